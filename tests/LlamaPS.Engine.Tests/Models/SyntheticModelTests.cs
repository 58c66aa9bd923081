using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Quants;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Tests.Gguf;

namespace LlamaPS.Engine.Tests.Models;

public class SyntheticModelTests
{
    private static readonly SyntheticModelShape Tiny = SyntheticModelShape.Tiny;

    [Theory]
    [InlineData("Q8_0")]
    [InlineData("Q4_0")]
    [InlineData("F16")]
    public void WrittenModelLoadsWithItsShapeAndGenerates(string type)
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("tiny.gguf");
        SyntheticModel.Write(path, Tiny, WeightMix.Parse(type), seed: 3);

        using var model = LlamaModel.Load(path, new ModelLoadOptions { Threads = 2 });
        var c = model.Gguf.Config;
        Assert.Equal((Tiny.EmbeddingLength, Tiny.BlockCount, Tiny.HeadCount, Tiny.HeadCountKv, Tiny.FeedForwardLength, Tiny.VocabSize, Tiny.ContextLength),
            (c.EmbeddingLength, c.BlockCount, c.HeadCount, c.HeadCountKv, c.FeedForwardLength, c.VocabSize, c.TrainingContextLength));
        Assert.Equal(Tiny.VocabSize, model.Tokenizer.Vocabulary.Count);

        var context = model.Rent();
        var logits = new float[c.VocabSize];
        context.Evaluate(model.Tokenizer.Encode("hello world", addSpecial: true, parseSpecial: false), 0, logits);
        model.Return(context);
        Assert.All(logits, l => Assert.True(float.IsFinite(l)));
        Assert.NotEqual(logits.Min(), logits.Max());

        var generator = new TextGenerator(model);
        _ = string.Concat(generator.Generate("hello", new GenerationOptions { MaxTokens = 4, Sampling = SamplingOptions.Greedy }));
        Assert.InRange(generator.Stats!.GeneratedTokens, 1, 4);
    }

    [Fact]
    public void VocabularyHasSpecialsBytesAndDistinctPieces()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("tiny.gguf");
        SyntheticModel.Write(path, Tiny, WeightMix.Parse("Q4_0"), seed: 0);
        using var file = GgufFile.Open(path);
        var tokens = file.Metadata.GetArray<string>("tokenizer.ggml.tokens")!;
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens[..4]);
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal(tokens.Length, tokens.Distinct().Count());
        Assert.Equal(Tiny.VocabSize, tokens.Length);
    }

    [Fact]
    public void SameSeedGivesSameBytesAndAnotherSeedDifferent()
    {
        using var dir = new TempDirectory();
        var mix = WeightMix.Parse("Q4_0");
        string a = dir.PathOf("a.gguf"), b = dir.PathOf("b.gguf"), c = dir.PathOf("c.gguf");
        SyntheticModel.Write(a, Tiny, mix, seed: 5);
        SyntheticModel.Write(b, Tiny, mix, seed: 5);
        SyntheticModel.Write(c, Tiny, mix, seed: 6);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
    }

    [Fact]
    public void GetOrCreateReusesAFileOfTheSameShapeMixAndSeed()
    {
        using var dir = new TempDirectory();
        var mix = WeightMix.Parse("Q8_0");
        string first = SyntheticModel.GetOrCreate(Tiny, mix, 1, out bool created, dir.Root);
        Assert.True(created);
        var written = File.GetLastWriteTimeUtc(first);
        string again = SyntheticModel.GetOrCreate(Tiny, mix, 1, out bool createdAgain, dir.Root);
        Assert.Equal(first, again);
        Assert.False(createdAgain);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again));
        Assert.NotEqual(first, SyntheticModel.GetOrCreate(Tiny, mix, 2, out _, dir.Root));
        Assert.NotEqual(first, SyntheticModel.GetOrCreate(Tiny, WeightMix.Parse("Q4_0"), 1, out _, dir.Root));
    }

    [Fact]
    public void SingleTypeMixPutsItsTypeOnEveryMatrixAndF32OnNorms()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("tiny.gguf");
        SyntheticModel.Write(path, Tiny, WeightMix.Parse("q4_0"), seed: 0);
        using var file = GgufFile.Open(path);
        Assert.All(file.Tensors, t => Assert.Equal(t.Name.EndsWith("norm.weight") ? GgmlType.F32 : GgmlType.Q4_0, t.Type));
        Assert.Equal(3 + 9 * Tiny.BlockCount, file.Tensors.Count);
    }

    [Fact]
    public void Q4KMixMatchesLlamaCppQuantize()
    {
        var mix = WeightMix.Parse("Q4_K_M");
        Assert.Equal(GgmlType.Q4_K, mix.TypeOf("token_embd", -1, 32));
        Assert.Equal(GgmlType.Q6_K, mix.TypeOf("output", -1, 32));
        // llama.cpp's use_more_bits for 32 layers: 0-3, 28-31, and every third from 6 on.
        int[] moreBits = [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31];
        for (int l = 0; l < 32; l++)
        {
            var expected = moreBits.Contains(l) ? GgmlType.Q6_K : GgmlType.Q4_K;
            Assert.Equal(expected, mix.TypeOf("attn_v", l, 32));
            Assert.Equal(expected, mix.TypeOf("ffn_down", l, 32));
            foreach (string role in new[] { "attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up" })
                Assert.Equal(GgmlType.Q4_K, mix.TypeOf(role, l, 32));
        }
    }

    [Fact]
    public void Q4KMixIsWrittenOnTheRightTensors()
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("tiny.gguf");
        SyntheticModel.Write(path, Tiny, WeightMix.Parse("Q4_K_M"), seed: 0);
        using var file = GgufFile.Open(path);
        GgmlType TypeOf(string name) => file.FindTensor(name)!.Type;
        Assert.Equal(GgmlType.Q4_K, TypeOf("token_embd.weight"));
        Assert.Equal(GgmlType.Q6_K, TypeOf("output.weight"));
        // 4 layers: use_more_bits picks the last eighth (layer 3) and layer 2 (every third after the first eighth).
        Assert.Equal([GgmlType.Q4_K, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q6_K], Enumerable.Range(0, 4).Select(l => TypeOf($"blk.{l}.attn_v.weight")));
        Assert.Equal([GgmlType.Q4_K, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q6_K], Enumerable.Range(0, 4).Select(l => TypeOf($"blk.{l}.ffn_down.weight")));
        Assert.Equal(GgmlType.Q4_K, TypeOf("blk.3.attn_q.weight"));
    }

    [Theory]
    [InlineData("Q4_9")]
    [InlineData("2")]
    [InlineData("IQ1_S")]
    public void UnknownOrUnsupportedTypeNamesAreRejected(string name) =>
        Assert.Throws<ArgumentException>(() => WeightMix.Parse(name));

    [Fact]
    public void PresetsAreFoundByNameAndValid()
    {
        Assert.Same(SyntheticModelShape.TinyLlama, SyntheticModelShape.FromName("tinyllama-1.1b"));
        Assert.Equal((4096, 32, 32, 32, 11008), (SyntheticModelShape.Llama2_7B.EmbeddingLength, SyntheticModelShape.Llama2_7B.BlockCount,
            SyntheticModelShape.Llama2_7B.HeadCount, SyntheticModelShape.Llama2_7B.HeadCountKv, SyntheticModelShape.Llama2_7B.FeedForwardLength));
        foreach (var preset in SyntheticModelShape.Presets) preset.Validate();
        Assert.Throws<ArgumentException>(() => SyntheticModelShape.FromName("Llama-3-70B"));
        Assert.Throws<ArgumentException>(() => (Tiny with { HeadCountKv = 3 }).Validate());
    }
}
