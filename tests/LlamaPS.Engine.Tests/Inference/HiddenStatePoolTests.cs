using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary><see cref="HiddenStatePool"/> against the plain computation over all per-token vectors at once.</summary>
public class HiddenStatePoolTests
{
    private const int Dim = 24, Tokens = 13;

    private static float[] RandomStates(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Tokens * Dim).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static double[] Plain(PoolingType pooling, float[] states) => Enumerable.Range(0, Dim).Select(i => pooling switch
    {
        PoolingType.Mean => Enumerable.Range(0, Tokens).Average(t => (double)states[t * Dim + i]),
        PoolingType.Cls => states[i],
        PoolingType.Last => states[(Tokens - 1) * Dim + i],
        _ => throw new ArgumentOutOfRangeException(nameof(pooling)),
    }).ToArray();

    [Theory]
    [InlineData(PoolingType.Mean)]
    [InlineData(PoolingType.Cls)]
    [InlineData(PoolingType.Last)]
    public void ChunksPoolAsAllStatesAtOnce(PoolingType pooling)
    {
        float[] states = RandomStates(1);
        var pool = new HiddenStatePool(pooling, Dim);
        // Uneven chunks: 1, 5 and 7 tokens.
        foreach (var (first, count) in new[] { (0, 1), (1, 5), (6, 7) })
            pool.Add(states.AsSpan(first * Dim, count * Dim));
        float[] pooled = pool.Result();
        double[] expected = Plain(pooling, states);
        for (int i = 0; i < Dim; i++) Assert.Equal(expected[i], pooled[i], 1e-5);
        Assert.Equal(pooled, pool.Result()); // asking twice does not divide the mean twice
    }

    [Fact]
    public void TheThreePoolingsDiffer()
    {
        float[] states = RandomStates(2);
        float[] Pooled(PoolingType p)
        {
            var pool = new HiddenStatePool(p, Dim);
            pool.Add(states);
            return pool.Result();
        }
        Assert.Equal(3, new[] { Pooled(PoolingType.Mean), Pooled(PoolingType.Cls), Pooled(PoolingType.Last) }.Select(v => string.Join(",", v)).Distinct().Count());
    }

    [Theory]
    [InlineData(PoolingType.None)]
    [InlineData(PoolingType.Rank)]
    public void OnlyPoolingsThatGiveOneVectorAreAccepted(PoolingType pooling) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HiddenStatePool(pooling, Dim));

    [Fact]
    public void PartialRowsAndNoRowsAreRefused()
    {
        var pool = new HiddenStatePool(PoolingType.Mean, Dim);
        Assert.Throws<InvalidOperationException>(() => pool.Result());
        Assert.Throws<ArgumentException>(() => pool.Add(new float[Dim + 1]));
        Assert.Throws<ArgumentException>(() => pool.Add([]));
    }
}
