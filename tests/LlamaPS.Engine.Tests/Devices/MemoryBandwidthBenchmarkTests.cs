using LlamaPS.Engine.Devices;

namespace LlamaPS.Engine.Tests.Devices;

public class MemoryBandwidthBenchmarkTests
{
    private const long SmallBuffer = 64L << 20;

    [Fact]
    public void Measure_ReturnsAPlausibleBandwidth()
    {
        double gbps = MemoryBandwidthBenchmark.Measure(TestContext.Current.CancellationToken, SmallBuffer, runs: 2);

        // Anything from a throttled VM to a many-channel server is well inside this range.
        Assert.InRange(gbps, 0.1, 10_000);
    }

    [Fact]
    public void Measure_StopsWhenCancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => MemoryBandwidthBenchmark.Measure(cancel.Token, SmallBuffer));
    }

    [Fact]
    public void Measure_StopsWhenCancelledMidRun()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));

        Assert.ThrowsAny<OperationCanceledException>(() => MemoryBandwidthBenchmark.Measure(cancel.Token, SmallBuffer, runs: 10_000));
    }

    [Fact]
    public void Measure_RejectsABufferSmallerThanOneBlock()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryBandwidthBenchmark.Measure(CancellationToken.None, 1024));
    }
}
