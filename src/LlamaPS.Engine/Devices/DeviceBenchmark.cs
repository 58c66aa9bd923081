namespace LlamaPS.Engine.Devices;

/// <summary>Runs every device measurement the engine knows and gathers them into one result.</summary>
public static class DeviceBenchmark
{
    public static DeviceBenchmarkResult Run(CpuDeviceInfo device, CancellationToken cancellationToken)
    {
        // Small machines (containers with a few GiB) get a smaller buffer rather than memory pressure.
        long bufferBytes = Math.Min(MemoryBandwidthBenchmark.DefaultBufferBytes, device.TotalMemoryBytes / 8);
        double bandwidth = MemoryBandwidthBenchmark.Measure(cancellationToken, bufferBytes, threads: device.Cores);
        return new DeviceBenchmarkResult(bandwidth, new Dictionary<string, double>());
    }
}
