using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Gguf;
using LlamaPS.Engine.Tests.Models.Reference;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>
/// <see cref="TextEmbedder"/>: vectors against the plain reference transformer's final-normed states pooled as the
/// model declares (or as overridden), normalization, truncation, chunking, refusals.
/// </summary>
public class TextEmbedderTests(ITestOutputHelper output)
{
    private const string Text = "Once upon a time, there was a little cat.";

    /// <summary>
    /// max |ours - reference| / std(reference vector): the engine's f16 KV cache against double precision, as in
    /// ArchitectureTests (measured worst 3.1e-3, qwen3). Pooling another token's state, or the mean instead of one state,
    /// misses by about one standard deviation.
    /// </summary>
    private const double ReferenceTolerance = 1e-2;

    private static readonly ReferenceSpec Llama = new() { Architecture = "llama", RotateHalf = false };

    private static readonly Dictionary<string, (ReferenceSpec Spec, PoolingType? Override, PoolingType Expected)> Cases = new()
    {
        // A generative model declares no pooling: the last token's state.
        ["llama, none declared"] = (Llama, null, PoolingType.Last),
        ["llama, mean chosen"] = (Llama, PoolingType.Mean, PoolingType.Mean),
        // Qwen3-Embedding's converter declares last-token pooling and its tokenizer appends EOS.
        ["qwen3, last declared"] = (new() { Architecture = "qwen3", HeadDim = 32, QkNorm = true, TiedEmbeddings = true, Pooling = PoolingType.Last, AddEosToken = true }, null, PoolingType.Last),
        ["qwen2, mean declared"] = (new() { Architecture = "qwen2", QkvBias = true, Pooling = PoolingType.Mean }, null, PoolingType.Mean),
        ["qwen2, mean declared, cls chosen"] = (new() { Architecture = "qwen2", QkvBias = true, Pooling = PoolingType.Mean }, PoolingType.Cls, PoolingType.Cls),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void VectorsAreTheReferenceStatesPooled(string name)
    {
        var (spec, chosen, expectedPooling) = Cases[name];
        var reference = ReferenceModel.Random(spec, seed: 17);
        using var dir = new TempDirectory();
        string path = dir.PathOf("model.gguf");
        ConvertedGguf.Write(reference, path);
        using var model = LlamaModel.Load(path, new ModelLoadOptions { Threads = 2, ContextLength = 64 });

        TextEmbedding embedding = new TextEmbedder(model).Embed(Text, new EmbeddingOptions { Pooling = chosen });

        // Tokenized as llama.cpp's embedding example does: BOS (and EOS) as the vocabulary says, specials parsed.
        int[] tokens = model.Tokenizer.Encode(Text, addSpecial: true, parseSpecial: true);
        Assert.Equal(model.Tokenizer.Vocabulary.BosId, tokens[0]);
        if (spec.AddEosToken) Assert.Equal(model.Tokenizer.Vocabulary.EosId, tokens[^1]);
        double[][] states = new ReferenceTransformer(reference).HiddenStates(tokens, 64);
        double[] expected = expectedPooling switch
        {
            PoolingType.Mean => Enumerable.Range(0, spec.Dim).Select(i => states.Average(s => s[i])).ToArray(),
            PoolingType.Cls => states[0],
            _ => states[^1],
        };

        Assert.Equal(expectedPooling, embedding.Pooling);
        Assert.Equal(tokens.Length, embedding.TokenCount);
        Assert.Equal(spec.Dim, embedding.Dimensions);
        Assert.Equal(Text, embedding.Text);
        Assert.False(embedding.Normalized);
        Assert.False(embedding.Truncated);
        double mean = expected.Average(), std = Math.Sqrt(expected.Sum(x => (x - mean) * (x - mean)) / expected.Length);
        double error = embedding.Vector.Select((x, i) => Math.Abs(x - expected[i])).Max() / std;
        output.WriteLine($"{name}: normalized error {error:E2}");
        Assert.True(error <= ReferenceTolerance, $"{name}: the vector differs from the pooled reference states by {error:E2} standard deviations.");
    }

    [Fact]
    public void NormalizeScalesTheVectorToUnitLength()
    {
        using var model = Stories(64);
        var embedder = new TextEmbedder(model);
        float[] raw = embedder.Embed(Text, new EmbeddingOptions()).Vector;
        TextEmbedding unit = embedder.Embed(Text, new EmbeddingOptions { Normalize = true });
        double norm = Math.Sqrt(raw.Sum(x => (double)x * x));
        Assert.True(Math.Abs(norm - 1) > 0.1, $"The raw vector's length {norm} is already 1: the test would show nothing.");
        Assert.True(unit.Normalized);
        Assert.Equal(1.0, Math.Sqrt(unit.Vector.Sum(x => (double)x * x)), 1e-5);
        for (int i = 0; i < raw.Length; i++) Assert.Equal(raw[i] / norm, unit.Vector[i], 1e-6);
    }

    /// <summary>A text of more than <see cref="TextEmbedder.ChunkTokens"/> tokens, mean-pooled, against one call over all of it.</summary>
    [Fact]
    public void ChunksGiveTheVectorOfOneEvaluation()
    {
        using var model = Stories(1024);
        string text = string.Concat(Enumerable.Repeat(Text + " ", 60));
        int[] tokens = model.Tokenizer.Encode(text, addSpecial: true, parseSpecial: true);
        Assert.InRange(tokens.Length, TextEmbedder.ChunkTokens + 1, 1024);
        int dim = model.Gguf.Config.EmbeddingLength;
        var states = new float[tokens.Length * dim];
        var ctx = model.Rent();
        ctx.EvaluateHiddenStates(tokens, 0, states);
        model.Return(ctx);

        TextEmbedding embedding = new TextEmbedder(model).Embed(text, new EmbeddingOptions { Pooling = PoolingType.Mean });
        Assert.Equal(tokens.Length, embedding.TokenCount);
        for (int i = 0; i < dim; i++)
            Assert.Equal(Enumerable.Range(0, tokens.Length).Average(t => (double)states[t * dim + i]), embedding.Vector[i], 1e-4);
    }

    [Fact]
    public void ATextLongerThanTheContextIsRefusedUnlessTruncated()
    {
        using var model = Stories(8);
        var embedder = new TextEmbedder(model);
        int[] tokens = model.Tokenizer.Encode(Text, addSpecial: true, parseSpecial: true);
        Assert.True(tokens.Length > 8);
        var e = Assert.Throws<ContextLengthExceededException>(() => embedder.Embed(Text, new EmbeddingOptions()));
        Assert.Equal(tokens.Length, e.Required);
        Assert.Equal(8, e.ContextLength);

        TextEmbedding truncated = embedder.Embed(Text, new EmbeddingOptions { Truncate = true });
        Assert.True(truncated.Truncated);
        Assert.Equal(8, truncated.TokenCount);
        Assert.Equal(LastState(model, tokens[..8]), truncated.Vector);
    }

    [Fact]
    public void TruncationKeepsTheEosTheVocabularyAppends()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("model.gguf");
        ConvertedGguf.Write(ReferenceModel.Random(Llama with { AddEosToken = true }, seed: 17), path);
        using var model = LlamaModel.Load(path, new ModelLoadOptions { Threads = 2, ContextLength = 6 });
        int[] tokens = model.Tokenizer.Encode(Text, addSpecial: true, parseSpecial: true);
        Assert.True(tokens.Length > 6);

        TextEmbedding truncated = new TextEmbedder(model).Embed(Text, new EmbeddingOptions { Truncate = true });
        Assert.Equal(6, truncated.TokenCount);
        Assert.Equal(LastState(model, [.. tokens[..5], model.Tokenizer.Vocabulary.EosId!.Value]), truncated.Vector);
    }

    [Fact]
    public void ARerankerIsRefusedUnlessAPoolingIsChosen()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("reranker.gguf");
        ConvertedGguf.Write(ReferenceModel.Random(Llama with { Pooling = PoolingType.Rank }, seed: 17), path);
        using var model = LlamaModel.Load(path, new ModelLoadOptions { Threads = 2, ContextLength = 64 });
        var embedder = new TextEmbedder(model);
        var e = Assert.Throws<UnsupportedModelException>(() => embedder.Embed(Text, new EmbeddingOptions()));
        Assert.Equal(UnsupportedFeature.Pooling, e.Feature);
        Assert.Equal("rank", e.Name);
        Assert.Contains("rank pooling", e.Message);
        Assert.Equal(PoolingType.Mean, embedder.Embed(Text, new EmbeddingOptions { Pooling = PoolingType.Mean }).Pooling);
    }

    [Theory]
    [InlineData(PoolingType.None)]
    [InlineData(PoolingType.Rank)]
    public void OnlyMeanClsAndLastCanBeChosen(PoolingType pooling)
    {
        using var model = Stories(64);
        var e = Assert.Throws<ArgumentException>(() => new TextEmbedder(model).Embed(Text, new EmbeddingOptions { Pooling = pooling }));
        Assert.Contains($"'{pooling}'", e.Message);
    }

    [Fact]
    public void AnEmptyTextIsRefused()
    {
        using var model = Stories(64);
        var e = Assert.Throws<ArgumentException>(() => new TextEmbedder(model).Embed("", new EmbeddingOptions()));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void CancellationThrowsAndLeavesTheModelUsable()
    {
        using var model = Stories(64);
        var embedder = new TextEmbedder(model);
        float[] before = embedder.Embed(Text, new EmbeddingOptions()).Vector;
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => embedder.Embed(Text, new EmbeddingOptions(), cts.Token));
        Assert.Equal(before, embedder.Embed(Text, new EmbeddingOptions()).Vector);
    }

    private static LlamaModel Stories(int context) =>
        LlamaModel.Load(SharedData.PathOf("models", "stories260K.gguf"), new ModelLoadOptions { Threads = 2, ContextLength = context });

    private static float[] LastState(LlamaModel model, int[] tokens)
    {
        int dim = model.Gguf.Config.EmbeddingLength;
        var states = new float[tokens.Length * dim];
        var ctx = model.Rent();
        ctx.EvaluateHiddenStates(tokens, 0, states);
        model.Return(ctx);
        return states[^dim..];
    }
}
