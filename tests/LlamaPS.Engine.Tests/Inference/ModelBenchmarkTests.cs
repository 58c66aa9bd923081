using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tests.Models;

namespace LlamaPS.Engine.Tests.Inference;

public class ModelBenchmarkTests(TinySyntheticModel tiny) : IClassFixture<TinySyntheticModel>
{
    private LlamaModel Load() => LlamaModel.Load(tiny.Path, new ModelLoadOptions { Threads = 2 });

    [Fact]
    public void PromptProcessingTimesEachRepetition()
    {
        using var model = Load();
        var result = ModelBenchmark.PromptProcessing(model, 32, 3);
        Assert.Equal("pp32", result.Test);
        Assert.Equal(32, result.Tokens);
        Assert.Equal(3, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.True(s > 0 && double.IsFinite(s)));
        Assert.Equal(result.Samples.Average(), result.TokensPerSecond, 9);
        Assert.Equal(("CPU", 2), (result.Backend, result.Threads));
        Assert.Equal(model.FileSize, result.ModelSize);
        Assert.True(result.ContextMemoryBytes > 0);
        Assert.True(result.Memory.ResidentBytes > 0);
    }

    [Fact]
    public void TokenGenerationIsNamedAfterItsCount()
    {
        using var model = Load();
        var result = ModelBenchmark.TokenGeneration(model, 8, 2);
        Assert.Equal("tg8", result.Test);
        Assert.Equal(2, result.Samples.Count);
        Assert.True(result.StdDev >= 0);
    }

    [Fact]
    public void StatisticsFollowLlamaBench()
    {
        var result = new ModelBenchmarkResult("m", 1, 1, "CPU", 1, "tg1", 1, [10, 20, 60], 0, default);
        Assert.Equal(30, result.TokensPerSecond, 9);
        Assert.Equal(20, result.Median, 9);
        Assert.Equal(Math.Sqrt((400 + 100 + 900) / 2.0), result.StdDev, 9);
        Assert.Equal(0, (result with { Samples = [5] }).StdDev);
    }

    [Fact]
    public void MoreTokensThanTheContextAreRefused()
    {
        using var model = Load();
        Assert.Throws<ContextLengthExceededException>(() => ModelBenchmark.PromptProcessing(model, model.ContextLength + 1, 1));
    }

    [Fact]
    public void CancellationStopsTheRunAndLeavesTheModelUsable()
    {
        using var model = Load();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ModelBenchmark.TokenGeneration(model, 8, 5, cts.Token));
        Assert.Equal("tg4", ModelBenchmark.TokenGeneration(model, 4, 1).Test);
    }

    [Fact]
    public void TokensAreFixedAndInsideTheVocabulary()
    {
        int[] ids = ModelBenchmark.RandomTokens(512, 100);
        Assert.Equal(ids, ModelBenchmark.RandomTokens(512, 100));
        Assert.All(ids, id => Assert.InRange(id, 0, 511));
        Assert.True(ids.Distinct().Count() > 50);
    }
}
