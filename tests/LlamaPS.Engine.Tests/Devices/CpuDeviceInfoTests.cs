using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Devices;

namespace LlamaPS.Engine.Tests.Devices;

public class CpuDeviceInfoTests
{
    [Fact]
    public void Detect_DescribesThisProcessCpu()
    {
        CpuDeviceInfo cpu = CpuDeviceInfo.Detect();

        Assert.Equal("CPU", cpu.Kind);
        Assert.Equal(0, cpu.Index);
        Assert.Equal(Environment.ProcessorCount, cpu.Cores);
        Assert.False(string.IsNullOrWhiteSpace(cpu.Name));
        Assert.True(cpu.TotalMemoryBytes > 0);
        Assert.Null(cpu.Benchmark);
    }

    [Fact]
    public void Features_FollowTheRuntime()
    {
        IReadOnlyList<string> features = CpuDeviceInfo.Detect().Features;

        Assert.Equal(Avx2.IsSupported, features.Contains("AVX2"));
        Assert.Equal(Avx512F.IsSupported, features.Contains("AVX512F"));
        Assert.Equal(System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, features.Contains("AdvSimd"));
    }

    [Fact]
    public void WithBenchmark_KeepsTheDescriptionAndAddsTheResult()
    {
        CpuDeviceInfo cpu = CpuDeviceInfo.Detect();
        var result = new DeviceBenchmarkResult(12.5, new Dictionary<string, double> { ["q4_0 matvec"] = 40 });

        CpuDeviceInfo measured = cpu.WithBenchmark(result);

        Assert.Same(result, measured.Benchmark);
        Assert.Equal(cpu.Name, measured.Name);
        Assert.Equal(cpu.Features, measured.Features);
        Assert.Null(cpu.Benchmark);
    }
}
