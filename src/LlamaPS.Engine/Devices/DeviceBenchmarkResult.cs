namespace LlamaPS.Engine.Devices;

/// <summary>
/// Throughput figures for one device. Bandwidth bounds token generation; kernel figures (GFLOP/s by kernel name,
/// e.g. a quantized matrix-vector product) bound prompt processing. New measurements add kernel entries.
/// </summary>
public sealed class DeviceBenchmarkResult
{
    public DeviceBenchmarkResult(double bandwidthGBps, IReadOnlyDictionary<string, double> kernelGflops)
    {
        BandwidthGBps = bandwidthGBps;
        KernelGflops = kernelGflops;
    }

    /// <summary>Sustained multi-threaded memory read bandwidth, 10^9 bytes per second.</summary>
    public double BandwidthGBps { get; }

    /// <summary>Measured throughput of named compute kernels, 10^9 floating-point operations per second.</summary>
    public IReadOnlyDictionary<string, double> KernelGflops { get; }
}
