using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// One device ILGPU can drive (CUDA, OpenCL, or ILGPU's CPU accelerator), as users list and select it: what it is,
/// whether the kernels can run on it and, if not, why. Its accelerator is created on first use and kept for the
/// process, so every model loaded on the device shares it.
/// </summary>
public sealed class GpuDevice : IModelDevice
{
    private readonly Lazy<Accelerator> _accelerator;

    internal GpuDevice(Device device)
    {
        Device = device;
        Kind = device switch
        {
            CudaDevice => "CUDA",
            CLDevice => "OpenCL",
            _ => "ILGPU-CPU",
        };
        Vendor = device switch
        {
            CudaDevice => "NVIDIA",
            CLDevice cl => cl.VendorName,
            _ => "ILGPU (CPU accelerator)",
        };
        UnusableReason = GpuBackend.Unusable(device);
        _accelerator = new(() => device.CreateAccelerator(IlgpuRuntime.Context), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>ILGPU's device.</summary>
    public Device Device { get; }
    public string Kind { get; }
    public string Name => Device.Name;
    public string Vendor { get; }
    public long MemoryBytes => Device.MemorySize;
    /// <summary>Multiprocessors (CUDA) or compute units (OpenCL).</summary>
    public int ComputeUnits => Device.NumMultiprocessors;
    /// <summary>Threads a warp (CUDA) or subgroup/wavefront (OpenCL) runs in lockstep.</summary>
    public int WarpSize => Device.WarpSize;
    /// <summary>Why the kernels cannot run on this device, in plain words; null when they can.</summary>
    public string? UnusableReason { get; }
    public bool Usable => UnusableReason is null;

    /// <summary>The accelerator, created on first use.</summary>
    public Accelerator Accelerator => _accelerator.Value;

    public string? CannotRun(GgufModel model)
    {
        if (UnusableReason is not null) return UnusableReason;
        if (GpuBackend.MissingFeature(model) is string feature) return $"the GPU backend does not run {feature} yet";
        return null;
    }

    public int LayersThatFit(GgufModel model, int contextLength)
    {
        int layers = model.Config.BlockCount;
        // ILGPU's CPU accelerator lives in host memory, which Device.MemorySize does not describe.
        if (Device is CPUDevice) return layers;
        while (layers > 0 && GpuBackend.EstimateBytes(model, contextLength, layers) > MemoryBytes) layers--;
        return layers;
    }

    public IInferenceBackend CreateBackend(GgufModel model) => new GpuBackend(model, Accelerator);

    public IOffloadBackend CreateOffload(GgufModel model, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layers, model.Config.BlockCount);
        return new GpuBackend(model, Accelerator, model.Config.BlockCount - layers);
    }

    public override string ToString() => $"{Kind} {Name}";
}
