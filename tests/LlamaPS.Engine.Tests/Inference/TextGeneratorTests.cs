using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Tests.Golden;

namespace LlamaPS.Engine.Tests.Inference;

public class TextGeneratorTests
{
    private const string P1 = "Once upon a time";
    private const string P2 = "Lily and Tom went to the park. They saw a big dog that was barking at a cat in a tree. Tom wanted to help the cat, so he";

    private static LlamaModel Stories() => LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { Threads = 2 });

    [Theory]
    [InlineData("p1", P1)]
    [InlineData("p2", P2)]
    public void GreedyTextEqualsLlamaCpp(string promptName, string prompt)
    {
        var golden = GoldenRun.Load("stories260K", promptName);
        using var model = Stories();
        var generator = new TextGenerator(model);
        string text = string.Concat(generator.Generate(prompt, new GenerationOptions { MaxTokens = golden.GenIds.Length, Sampling = SamplingOptions.Greedy }));
        Assert.Equal(string.Concat(golden.Pieces), text);
        Assert.Equal(golden.PromptIds.Length, generator.Stats!.PromptTokens);
        Assert.Equal(golden.GenIds.Length, generator.Stats.GeneratedTokens);
        Assert.Equal(StopReason.MaxTokens, generator.Stats.StopReason);
    }

    [Fact]
    public void StopStringEndsGenerationAndIsNotOutput()
    {
        var golden = GoldenRun.Load("stories260K", "p1");
        string full = string.Concat(golden.Pieces);
        string stop = golden.Pieces[5].Trim();
        using var model = Stories();
        var generator = new TextGenerator(model);
        string text = string.Concat(generator.Generate(P1, new GenerationOptions { MaxTokens = 32, Sampling = SamplingOptions.Greedy, Stop = [stop] }));
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], text);
        Assert.Equal(StopReason.StopString, generator.Stats!.StopReason);
    }

    [Fact]
    public void SameSeedGivesSameTextAndOtherSeedsDiffer()
    {
        using var model = Stories();
        string Run(int seed) => string.Concat(new TextGenerator(model).Generate(P1,
            new GenerationOptions { MaxTokens = 40, Sampling = new SamplingOptions { Temperature = 1.0f, Seed = seed } }));
        string a = Run(42);
        Assert.Equal(a, Run(42));
        Assert.Contains(Enumerable.Range(1, 5).Select(Run), t => t != a);
    }

    [Fact]
    public void CancellationStopsWithinOneTokenAndLeavesModelUsable()
    {
        using var model = Stories();
        using var cts = new CancellationTokenSource();
        var generator = new TextGenerator(model);
        int pieces = 0;
        foreach (var _ in generator.Generate(P1, new GenerationOptions { MaxTokens = 100, Sampling = SamplingOptions.Greedy }, cts.Token))
        {
            if (++pieces == 3) cts.Cancel();
        }
        Assert.Equal(StopReason.Cancelled, generator.Stats!.StopReason);
        Assert.Equal(3, generator.Stats.GeneratedTokens);
        var golden = GoldenRun.Load("stories260K", "p1");
        string again = string.Concat(new TextGenerator(model).Generate(P1, new GenerationOptions { MaxTokens = 32, Sampling = SamplingOptions.Greedy }));
        Assert.Equal(string.Concat(golden.Pieces), again);
    }

    [Fact]
    public void PromptLongerThanContextIsRefused()
    {
        using var model = LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { ContextLength = 8 });
        var e = Assert.Throws<ContextLengthExceededException>(() => new TextGenerator(model).Generate(P2, new GenerationOptions()));
        Assert.Equal(8, e.ContextLength);
        Assert.True(e.Required > 8);
    }

    [Fact]
    public void GenerationStopsWhenTheContextIsFull()
    {
        using var model = LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { ContextLength = 10 });
        var generator = new TextGenerator(model);
        _ = string.Concat(generator.Generate(P1, new GenerationOptions { MaxTokens = 100, Sampling = SamplingOptions.Greedy }));
        Assert.Equal(StopReason.ContextFull, generator.Stats!.StopReason);
        Assert.Equal(10 - generator.Stats.PromptTokens + 1, generator.Stats.GeneratedTokens);
    }
}
