using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The devices ILGPU finds in this process: CUDA devices, OpenCL devices, then ILGPU's CPU accelerator (warps of 32),
/// which runs the GPU code path on any machine, slowly. Found once, on first use.
/// </summary>
public static class GpuDevices
{
    private static readonly Lazy<IReadOnlyList<GpuDevice>> Found = new(() =>
        IlgpuRuntime.Context.Devices
            .Where(d => d is CudaDevice or CLDevice || ReferenceEquals(d, IlgpuRuntime.CpuWarp32))
            .OrderBy(d => d switch { CudaDevice => 0, CLDevice => 1, _ => 2 })
            .Select(d => new GpuDevice(d))
            .ToArray());

    public static IReadOnlyList<GpuDevice> All => Found.Value;

    /// <summary>The device a model goes to by default: the first usable CUDA device, else OpenCL device; null for none.</summary>
    public static GpuDevice? Best => All.FirstOrDefault(d => d.Usable && d.Kind != "ILGPU-CPU");
}
