using ILGPU;
using ILGPU.Runtime;
using ILGPU.Algorithms;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The process's one ILGPU context: every CUDA and OpenCL device the drivers show, and ILGPU's CPU accelerator in
/// two shapes, warps of 32 (as NVIDIA's) and of 64 (as AMD's GCN wavefronts), so the kernels can be checked for both
/// without a GPU. Created on first use and kept for the life of the process (contexts are costly and thread-safe).
/// </summary>
public static class IlgpuRuntime
{
    /// <summary>ILGPU's CPU accelerator with warps of 32 threads, 4 warps a group, one multiprocessor per core.</summary>
    public static CPUDevice CpuWarp32 { get; } = new(32, 4, Math.Max(1, Environment.ProcessorCount));

    /// <summary>ILGPU's CPU accelerator with warps of 64 threads, 2 warps a group.</summary>
    public static CPUDevice CpuWarp64 { get; } = new(64, 2, Math.Max(1, Environment.ProcessorCount));

    private static readonly Lazy<Context> Shared = new(() => Context.Create(b => b
        .CPU(CpuWarp32).CPU(CpuWarp64).Cuda()
        .OpenCL(_ => true) // every OpenCL device, so that one ILGPU cannot use is listed with the reason
        .EnableAlgorithms() // MathF.Exp and friends on CUDA
        .Optimize(OptimizationLevel.O1)));

    public static Context Context => Shared.Value;
}
