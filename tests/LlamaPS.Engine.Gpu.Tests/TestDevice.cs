using ILGPU.Runtime;

// The test classes share one accelerator per kind, and an ILGPU accelerator is not documented as safe for launches
// from several threads at once: one CI run saw a split model's logits come out empty while another class ran on the
// same CPU accelerator. Run the classes one after another (no slower here: 66 s serial, 69-73 s in parallel; the
// device script already passes -parallel none).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// The accelerator a test class runs on, created once per kind and kept for the test run. A kind the machine does
/// not have skips its tests with the reason, except where LLAMAPS_REQUIRE_GPU names it (the device machine's
/// script sets it), which turns the skip into a failure.
/// </summary>
public static class TestDevice
{
    private static readonly Dictionary<string, Lazy<Accelerator?>> Accelerators = new()
    {
        ["cpu32"] = new(() => IlgpuRuntime.CpuWarp32.CreateAccelerator(IlgpuRuntime.Context)),
        ["cpu64"] = new(() => IlgpuRuntime.CpuWarp64.CreateAccelerator(IlgpuRuntime.Context)),
        ["cuda"] = new(() => First(AcceleratorType.Cuda)),
        ["opencl"] = new(() => First(AcceleratorType.OpenCL)),
    };

    private static Accelerator? First(AcceleratorType type) =>
        IlgpuRuntime.Context.Devices.AsEnumerable().FirstOrDefault(d => d.AcceleratorType == type && GpuBackend.Unusable(d) is null)?.CreateAccelerator(IlgpuRuntime.Context);

    /// <summary>The accelerator of a kind (cpu32, cpu64, cuda, opencl), or a skip (a failure where required) when there is none.</summary>
    public static Accelerator Get(string kind)
    {
        var accelerator = Accelerators[kind].Value;
        if (accelerator is null)
        {
            string message = $"No usable {kind} device on this machine (ILGPU found: {string.Join(", ", IlgpuRuntime.Context.Devices.Select(d => $"{d.AcceleratorType} {d.Name}"))}).";
            string required = Environment.GetEnvironmentVariable("LLAMAPS_REQUIRE_GPU") ?? "";
            if (required.Split(',', StringSplitOptions.TrimEntries).Contains(kind)) Assert.Fail(message);
            Assert.Skip(message);
        }
        return accelerator!;
    }
}
