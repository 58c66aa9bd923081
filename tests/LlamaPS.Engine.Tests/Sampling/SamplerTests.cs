using LlamaPS.Engine.Sampling;

namespace LlamaPS.Engine.Tests.Sampling;

public class SamplerTests
{
    private static float[] Logits() => [1f, 5f, 3f, 4.9f, -2f, 0f];

    [Fact]
    public void GreedyPicksArgMax() => Assert.Equal(1, new Sampler(SamplingOptions.Greedy).Sample(Logits(), []));

    [Fact]
    public void RepeatPenaltyDividesPositiveAndMultipliesNegativeLogits()
    {
        var logits = Logits();
        int id = new Sampler(SamplingOptions.Greedy with { RepeatPenalty = 2f }).Sample(logits, [1, 4]);
        Assert.Equal(3, id);
        Assert.Equal(2.5f, logits[1]);
        Assert.Equal(-4f, logits[4]);
    }

    [Fact]
    public void RepeatPenaltyOnlyLooksAtLastN()
    {
        var logits = Logits();
        new Sampler(SamplingOptions.Greedy with { RepeatPenalty = 2f, RepeatLastN = 1 }).Sample(logits, [1, 4]);
        Assert.Equal(5f, logits[1]);
        Assert.Equal(-4f, logits[4]);
    }

    [Fact]
    public void TopKOneIsGreedyAtAnyTemperature()
    {
        var s = new Sampler(new SamplingOptions { Temperature = 5f, TopK = 1, TopP = 1, MinP = 0, Seed = 1 });
        for (int i = 0; i < 50; i++) Assert.Equal(1, s.Sample(Logits(), []));
    }

    [Fact]
    public void MinPKeepsOnlyTokensNearTheBest()
    {
        // p(3)/p(1) = e^-0.1 ~ 0.905; p(2)/p(1) = e^-2 ~ 0.135: min-p 0.5 keeps ids 1 and 3 only.
        var s = new Sampler(new SamplingOptions { Temperature = 1f, TopK = 0, TopP = 1, MinP = 0.5f, Seed = 3 });
        var seen = Enumerable.Range(0, 400).Select(_ => s.Sample(Logits(), [])).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, seen);
    }

    [Fact]
    public void TopPKeepsTheSmallestSetReachingP()
    {
        // Softmax of the logits: id1 0.50, id3 0.45, id2 0.037...; top-p 0.9 needs ids 1 and 3.
        var s = new Sampler(new SamplingOptions { Temperature = 1f, TopK = 0, TopP = 0.9f, MinP = 0, Seed = 5 });
        var seen = Enumerable.Range(0, 400).Select(_ => s.Sample(Logits(), [])).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, seen);
    }

    [Fact]
    public void SampledFrequenciesFollowTheTemperatureScaledDistribution()
    {
        float[] logits = [0f, (float)Math.Log(3)];
        var s = new Sampler(new SamplingOptions { Temperature = 1f, TopK = 0, TopP = 1, MinP = 0, Seed = 9 });
        int ones = Enumerable.Range(0, 4000).Count(_ => s.Sample((float[])logits.Clone(), []) == 1);
        Assert.InRange(ones / 4000.0, 0.72, 0.78);
    }

    [Theory]
    [InlineData(-1, 0.9f, 0.05f, 1f)]
    [InlineData(40, 0f, 0.05f, 1f)]
    [InlineData(40, 0.9f, 1.5f, 1f)]
    [InlineData(40, 0.9f, 0.05f, 0f)]
    public void InvalidOptionsAreRejected(int topK, float topP, float minP, float penalty) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(new SamplingOptions { TopK = topK, TopP = topP, MinP = minP, RepeatPenalty = penalty }));
}
