namespace LlamaPS.Engine.Devices;

/// <summary>
/// What the engine knows about the CPU it runs on: the only device it computes on today.
/// </summary>
public sealed class CpuDeviceInfo
{
    private CpuDeviceInfo(string name, int cores, IReadOnlyList<string> features, long totalMemoryBytes, DeviceBenchmarkResult? benchmark)
    {
        Name = name;
        Cores = cores;
        Features = features;
        TotalMemoryBytes = totalMemoryBytes;
        Benchmark = benchmark;
    }

    /// <summary>Position in the device list; the CPU is always device 0.</summary>
    public int Index => 0;

    public string Kind => "CPU";

    /// <summary>Marketing name of the processor, or a generic name when the platform does not say.</summary>
    public string Name { get; }

    /// <summary>Logical processors available to this process.</summary>
    public int Cores { get; }

    /// <summary>SIMD instruction sets the runtime reports as usable, by the names the kernels check.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Physical memory the process may use (honours container limits).</summary>
    public long TotalMemoryBytes { get; }

    /// <summary>Measured throughput; null until <see cref="WithBenchmark"/> attaches a measurement.</summary>
    public DeviceBenchmarkResult? Benchmark { get; }

    public static CpuDeviceInfo Detect() => new(
        CpuModelName.Read(),
        Environment.ProcessorCount,
        SimdFeatures.Supported(),
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        benchmark: null);

    public CpuDeviceInfo WithBenchmark(DeviceBenchmarkResult benchmark) => new(Name, Cores, Features, TotalMemoryBytes, benchmark);

    public override string ToString() => $"{Kind} {Index}: {Name}";
}
