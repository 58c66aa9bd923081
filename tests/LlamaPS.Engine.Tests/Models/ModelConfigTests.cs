using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Gguf;

namespace LlamaPS.Engine.Tests.Models;

/// <summary>
/// What <see cref="ModelConfig.FromGguf"/> derives from metadata alone: the refusals, and the rules no small random
/// model can show (Gemma's 27B query scale, window defaults and patterns, phi3 ignoring its window).
/// </summary>
public class ModelConfigTests
{
    private const int Vocab = 300;

    /// <summary>The config of a metadata-only GGUF: a 64-wide, 4-head model of <paramref name="blocks"/> layers plus <paramref name="extra"/> keys.</summary>
    private static ModelConfig ConfigOf(string arch, int blocks = 4, params (string Key, object Value)[] extra)
    {
        var writer = new GgufWriter();
        writer.AddMetadata("general.architecture", arch);
        var keys = new Dictionary<string, object>
        {
            [$"{arch}.context_length"] = 256u,
            [$"{arch}.embedding_length"] = 64u,
            [$"{arch}.block_count"] = (uint)blocks,
            [$"{arch}.feed_forward_length"] = 128u,
            [$"{arch}.attention.head_count"] = 4u,
        };
        foreach (var (key, value) in extra) keys[key] = value;
        foreach (var (key, value) in keys) writer.AddMetadata(key, value);
        using var dir = new TempDirectory();
        string path = dir.PathOf("config.gguf");
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        return ModelConfig.FromGguf(file, Vocab);
    }

    [Theory]
    [InlineData("mamba")]
    [InlineData("gpt2")]
    [InlineData("Llama")]
    public void UnknownArchitecturesAreRefusedByName(string arch)
    {
        var e = Assert.Throws<UnsupportedModelException>(() => ConfigOf(arch));
        Assert.Equal(UnsupportedFeature.Architecture, e.Feature);
        Assert.Equal(arch, e.Name);
        Assert.Contains($"'{arch}' is not supported", e.Message);
        Assert.Contains("gemma3", e.Message);
    }

    [Fact]
    public void EveryArchitectureWithATestModelIsSupported() =>
        Assert.Equal(["llama", "qwen2", "qwen3", "phi3", "gemma", "gemma2", "gemma3"], ModelConfig.SupportedArchitectures);

    [Fact]
    public void UnknownRopeScalingIsRefusedByName()
    {
        var e = Assert.Throws<UnsupportedModelException>(() => ConfigOf("llama", extra: [("llama.rope.scaling.type", "dynamic")]));
        Assert.Equal(UnsupportedFeature.RopeScaling, e.Feature);
        Assert.Equal("dynamic", e.Name);
    }

    [Theory]
    [InlineData("linear", "llama.rope.scaling.factor", 0.25f)]
    [InlineData("linear", "llama.rope.scale_linear", 0.25f)]
    [InlineData("none", "llama.rope.scaling.factor", 1f)]
    public void LinearScalingDividesPositionsByTheFactorUnderEitherKey(string type, string factorKey, float freqScale)
    {
        var c = ConfigOf("llama", extra: [("llama.rope.scaling.type", type), (factorKey, 4f)]);
        Assert.Equal(freqScale, c.Rope.FreqScale);
        Assert.All(c.Layers, l => Assert.Same(c.Rope, l.Rope));
    }

    [Theory]
    [InlineData("gemma2", 42, 2304, 8, 256, 256)]   // Gemma 2 9B: head size
    [InlineData("gemma2", 46, 4608, 32, 128, 144)]  // Gemma 2 27B: dim / heads
    [InlineData("gemma3", 34, 2560, 8, 256, 256)]   // Gemma 3 4B
    [InlineData("gemma3", 62, 5376, 32, 128, 168)]  // Gemma 3 27B
    [InlineData("llama", 46, 4608, 32, 128, 128)]
    public void QueriesAreScaledByGemmasQueryPreAttentionScalar(string arch, int blocks, int dim, int heads, int headDim, int scalar)
    {
        var c = ConfigOf(arch, blocks,
            ($"{arch}.embedding_length", (uint)dim), ($"{arch}.attention.head_count", (uint)heads), ($"{arch}.attention.key_length", (uint)headDim));
        Assert.Equal(1f / MathF.Sqrt(scalar), c.AttentionScale);
    }

    [Fact]
    public void Gemma2DefaultsToLlamaCppsWindowAndSoftCapsWhenTheKeysAreMissing()
    {
        var c = ConfigOf("gemma2");
        Assert.Equal([4096, 0, 4096, 0], c.Layers.Select(l => l.SlidingWindow));
        Assert.Equal((50f, 30f), (c.AttentionSoftCap, c.FinalLogitSoftCap));
        Assert.Equal(MathF.Sqrt(64), c.EmbeddingScale);
    }

    [Fact]
    public void Gemma3WindowsFiveLayersInSixWithTheirOwnRopeBase()
    {
        var c = ConfigOf("gemma3", 12, ("gemma3.attention.sliding_window", 512u), ("gemma3.rope.freq_base", 1e6f),
            ("gemma3.rope.scaling.type", "linear"), ("gemma3.rope.scaling.factor", 8f));
        Assert.Equal([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], c.Layers.Select(l => l.SlidingWindow == 0 ? 1 : 0));
        Assert.Equal((10000f, 1f), (c.Layers[0].Rope.FreqBase, c.Layers[0].Rope.FreqScale));
        Assert.Equal((1e6f, 0.125f), (c.Layers[5].Rope.FreqBase, c.Layers[5].Rope.FreqScale));
        Assert.Equal(0f, c.FinalLogitSoftCap);

        var own = ConfigOf("gemma3", 6, ("gemma3.attention.sliding_window", 512u), ("gemma3.rope.freq_base_swa", 5000f));
        Assert.Equal(5000f, own.Layers[0].Rope.FreqBase);
    }

    [Fact]
    public void SlidingWindowPatternKeyPicksTheLayersAsAPeriodOrPerLayer()
    {
        var period = ConfigOf("gemma3", 6, ("gemma3.attention.sliding_window", 16u), ("gemma3.attention.sliding_window_pattern", 3u));
        Assert.Equal([16, 16, 0, 16, 16, 0], period.Layers.Select(l => l.SlidingWindow));
        var perLayer = ConfigOf("llama", 4, ("llama.attention.sliding_window", 16u), ("llama.attention.sliding_window_pattern", new[] { false, true, true, false }));
        Assert.Equal([0, 16, 16, 0], perLayer.Layers.Select(l => l.SlidingWindow));
        Assert.Throws<InvalidDataException>(() =>
            ConfigOf("llama", 4, ("llama.attention.sliding_window", 16u), ("llama.attention.sliding_window_pattern", new[] { true, false })));
    }

    [Fact]
    public void Phi3IgnoresItsSlidingWindowAsLlamaCppDoes()
    {
        var c = ConfigOf("phi3", extra: [("phi3.attention.sliding_window", 2047u)]);
        Assert.All(c.Layers, l => Assert.Equal(0, l.SlidingWindow));
        Assert.Equal([8, 8, 8, 8], ConfigOf("qwen2", extra: [("qwen2.attention.sliding_window", 8u)]).Layers.Select(l => l.SlidingWindow));
    }

    [Fact]
    public void YarnMagnitudeAndRampFollowLlamaCpp()
    {
        var c = ConfigOf("qwen3", extra: [("qwen3.rope.scaling.type", "yarn"), ("qwen3.rope.scaling.factor", 4f),
            ("qwen3.rope.scaling.original_context_length", 64u), ("qwen3.rope.scaling.attn_factor", 0.5f)]);
        Assert.Equal(0.25f, c.Rope.FreqScale);
        Assert.Equal(0.5f * (1 + 0.1f * MathF.Log(4)), c.Rope.MagnitudeScale, 6);
        // head size 16: pairs turning more than 32 times in 64 positions keep their angle (none), fewer than once take the interpolated one.
        Assert.Equal(new YarnRamp(0, 3), c.Rope.Yarn);
        Assert.Equal(64, c.RopeOriginalContextLength);
        Assert.Null(ConfigOf("qwen3").Rope.Yarn);
    }

    [Theory]
    [InlineData(0u, PoolingType.None)]
    [InlineData(1u, PoolingType.Mean)]
    [InlineData(2u, PoolingType.Cls)]
    [InlineData(3u, PoolingType.Last)]
    [InlineData(4u, PoolingType.Rank)]
    public void PoolingTypeIsLlamaCppsEnum(uint value, PoolingType expected)
    {
        Assert.Equal(expected, ConfigOf("qwen3", extra: [("qwen3.pooling_type", value)]).Pooling);
        Assert.Equal(PoolingType.None, ConfigOf("qwen3").Pooling);
    }

    [Fact]
    public void AnUnknownPoolingTypeIsRefusedNamingTheKey()
    {
        var e = Assert.Throws<InvalidDataException>(() => ConfigOf("llama", extra: [("llama.pooling_type", 7u)]));
        Assert.Contains("'llama.pooling_type' = 7", e.Message);
    }
}
