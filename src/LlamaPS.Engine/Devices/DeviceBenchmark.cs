namespace LlamaPS.Engine.Devices;

/// <summary>Runs every device measurement the engine knows and gathers them into one result.</summary>
public static class DeviceBenchmark
{
    public static DeviceBenchmarkResult Run(CpuDeviceInfo device, CancellationToken cancellationToken)
    {
        // Small machines (containers with a few GiB) get a smaller buffer rather than memory pressure.
        long bufferBytes = Math.Min(MemoryBandwidthBenchmark.DefaultBufferBytes, device.TotalMemoryBytes / 8);
        double bandwidth = MemoryBandwidthBenchmark.Measure(cancellationToken, bufferBytes, threads: device.Cores);
        var kernels = new Dictionary<string, double>();
        foreach (var type in MatMulBenchmark.Types)
        {
            var (gflops, _) = MatMulBenchmark.Measure(type, device.Cores, cancellationToken);
            kernels[$"{type} matmul"] = gflops;
        }
        return new DeviceBenchmarkResult(bandwidth, kernels);
    }
}
