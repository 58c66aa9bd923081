using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// A decoder-only transformer as its GGUF file describes it: the sizes, and everything that differs between the
/// architectures this engine runs (norm placement, activation, biases, q/k norms, embedding scale, soft-caps,
/// sliding windows, rotary embedding). All of it is derived in <see cref="FromGguf"/> from the <c>{arch}.*</c> keys
/// and the architecture's fixed traits, so the forward pass reads what to do and never asks which architecture it runs.
/// </summary>
public sealed record ModelConfig
{
    public required string Architecture { get; init; }
    public required int EmbeddingLength { get; init; }      // dim
    public required int BlockCount { get; init; }           // layers
    public required int HeadCount { get; init; }
    public required int HeadCountKv { get; init; }          // grouped-query attention: heads share kv heads
    public required int HeadDim { get; init; }
    public required int FeedForwardLength { get; init; }    // hidden dim of the gated feed-forward
    public required int VocabSize { get; init; }
    public required int TrainingContextLength { get; init; }
    public required float RmsEpsilon { get; init; }

    public required NormPlacement NormPlacement { get; init; }
    public required FeedForwardActivation Activation { get; init; }
    /// <summary>q, k and v biases are present (qwen2).</summary>
    public required bool HasQkvBias { get; init; }
    /// <summary>q and k are RMS-normalized per head before RoPE (qwen3, gemma3).</summary>
    public required bool HasQkNorm { get; init; }
    /// <summary>Token embeddings are multiplied by this before the first block (gemma: sqrt(dim)).</summary>
    public required float EmbeddingScale { get; init; }
    /// <summary>Attention scores are q·k times this (1/sqrt(headDim) unless the architecture says otherwise).</summary>
    public required float AttentionScale { get; init; }
    /// <summary>Scores s become cap * tanh(s / cap) before the softmax (gemma2); 0: no cap.</summary>
    public required float AttentionSoftCap { get; init; }
    /// <summary>Output logits l become cap * tanh(l / cap) (gemma2); 0: no cap.</summary>
    public required float FinalLogitSoftCap { get; init; }
    /// <summary>The rotary embedding of the layers that attend to the whole context.</summary>
    public required RopeConfig Rope { get; init; }
    /// <summary>
    /// The context the rotary embedding was trained for before any scaling (rope.scaling.original_context_length,
    /// else the training context): YaRN's ramp is measured against it, and LongRoPE's long factors apply beyond it.
    /// </summary>
    public required int RopeOriginalContextLength { get; init; }
    /// <summary>Per block: its sliding window and rotary embedding.</summary>
    public required IReadOnlyList<LayerAttention> Layers { get; init; }
    /// <summary>How the model's embeddings pool its hidden states ({arch}.pooling_type); None when the key is absent.</summary>
    public PoolingType Pooling { get; init; }

    public int QueryDim => HeadCount * HeadDim;
    public int KvDim => HeadCountKv * HeadDim;

    /// <summary>The architectures this engine runs.</summary>
    public static IReadOnlyCollection<string> SupportedArchitectures { get; } = ArchitectureTraits.All.Select(a => a.Name).ToArray();

    public static ModelConfig FromGguf(GgufFile file, int vocabSize)
    {
        GgufMetadata m = file.Metadata;
        string arch = m.GetString("general.architecture")
            ?? throw new UnsupportedModelException(file.Path, UnsupportedFeature.Architecture, "", "general.architecture is missing: not a model file.");
        ArchitectureTraits traits = ArchitectureTraits.Find(arch)
            ?? throw new UnsupportedModelException(file.Path, UnsupportedFeature.Architecture, arch,
                $"architecture '{arch}' is not supported (supported: {string.Join(", ", SupportedArchitectures)}).");

        string Key(string name) => $"{arch}.{name}";
        int Required(string key) => m.GetInt32(Key(key)) is int v && v > 0
            ? v : throw new InvalidDataException($"{file.Path}: metadata '{Key(key)}' is missing or not positive.");
        float Float(string key, float fallback) => (float)(m.GetFloat(Key(key)) ?? fallback);

        int dim = Required("embedding_length");
        int blocks = Required("block_count");
        int heads = Required("attention.head_count");
        int kvHeads = m.GetInt32(Key("attention.head_count_kv")) ?? heads;
        int headDim = m.GetInt32(Key("attention.key_length")) ?? dim / heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new InvalidDataException($"{file.Path}: {heads} attention heads cannot share {kvHeads} kv heads.");
        if (dim % heads != 0 && m.GetInt32(Key("attention.key_length")) is null)
            throw new InvalidDataException($"{file.Path}: embedding length {dim} is not divisible by {heads} heads.");
        int trainingContext = Required("context_length");

        int ropeDims = m.GetInt32(Key("rope.dimension_count")) ?? headDim;
        if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0)
            throw new InvalidDataException($"{file.Path}: rope dimension count {ropeDims} does not fit head size {headDim}.");
        int originalContext = m.GetInt32(Key("rope.scaling.original_context_length")) is int o && o > 0 ? o : trainingContext;
        var scaling = RopeScalingOf(file, Key);
        RopeConfig Rope(float freqBase, float freqScale) => new()
        {
            Style = traits.RopeStyle,
            Dimensions = ropeDims,
            FreqBase = freqBase,
            FreqScale = freqScale,
            // ggml multiplies cos and sin by attn_factor, and by YaRN's 1 + 0.1 ln(factor) when YaRN extrapolates.
            MagnitudeScale = Float("rope.scaling.attn_factor", 1f)
                * (scaling.Yarn && freqScale < 1 ? 1 + 0.1f * MathF.Log(1 / freqScale) : 1),
            // The betas default to llama.cpp's (and the YaRN paper's) 32 and 1; converters write them only when the
            // Hugging Face config sets others.
            Yarn = scaling.Yarn
                ? YarnRamp.For(ropeDims, originalContext, freqBase, Float("rope.scaling.yarn_beta_fast", 32f), Float("rope.scaling.yarn_beta_slow", 1f))
                : null,
        };
        float globalBase = Float("rope.freq_base", 10000f);
        RopeConfig globalRope = Rope(globalBase, scaling.FreqScale);
        RopeConfig windowedRope = traits.WindowedRopeFreqBase is float windowedBase
            ? Rope(Float("rope.freq_base_swa", windowedBase), 1f)
            : Rope(Float("rope.freq_base_swa", globalBase), scaling.FreqScale);

        bool[] windowed = WindowedLayers(file, Key, traits, blocks);
        int window = traits.SlidingWindowPeriod is null ? 0 : m.GetInt32(Key("attention.sliding_window")) ?? traits.DefaultSlidingWindow;
        var layers = new LayerAttention[blocks];
        for (int l = 0; l < blocks; l++)
            layers[l] = window > 0 && windowed[l] ? new LayerAttention(window, windowedRope) : new LayerAttention(0, globalRope);

        return new ModelConfig
        {
            Architecture = arch,
            EmbeddingLength = dim,
            BlockCount = blocks,
            HeadCount = heads,
            HeadCountKv = kvHeads,
            HeadDim = headDim,
            FeedForwardLength = Required("feed_forward_length"),
            VocabSize = vocabSize,
            TrainingContextLength = trainingContext,
            RmsEpsilon = Float("attention.layer_norm_rms_epsilon", 1e-5f),
            NormPlacement = traits.NormPlacement,
            Activation = traits.Activation,
            HasQkvBias = traits.QkvBias,
            HasQkNorm = traits.QkNorm,
            EmbeddingScale = traits.ScalesEmbedding ? MathF.Sqrt(dim) : 1f,
            AttentionScale = 1f / MathF.Sqrt(traits.QueryScalar(dim, heads, headDim, blocks)),
            AttentionSoftCap = Float("attn_logit_softcapping", traits.DefaultAttentionSoftCap),
            FinalLogitSoftCap = Float("final_logit_softcapping", traits.DefaultFinalLogitSoftCap),
            Rope = globalRope,
            RopeOriginalContextLength = originalContext,
            Layers = layers,
            Pooling = PoolingOf(file, Key("pooling_type")),
        };
    }

    private static PoolingType PoolingOf(GgufFile file, string key) => file.Metadata.GetInt32(key) switch
    {
        null => PoolingType.None,
        int p when Enum.IsDefined((PoolingType)p) => (PoolingType)p,
        int p => throw new InvalidDataException($"{file.Path}: metadata '{key}' = {p} is not a pooling type (0 none, 1 mean, 2 cls, 3 last, 4 rank)."),
    };

    /// <summary>
    /// rope.scaling.type (llama.cpp's default: linear) and factor: positions are divided by the factor unless the
    /// type is none; YaRN blends the divided angles with the original ones.
    /// </summary>
    private static (float FreqScale, bool Yarn) RopeScalingOf(GgufFile file, Func<string, string> key)
    {
        string type = file.Metadata.GetString(key("rope.scaling.type")) ?? "linear";
        if (type is not ("none" or "linear" or "yarn" or "longrope"))
            throw new UnsupportedModelException(file.Path, UnsupportedFeature.RopeScaling, type,
                $"RoPE scaling '{type}' is not supported (supported: none, linear, yarn, longrope).");
        // rope.scale_linear is the factor's older key, which llama.cpp still reads.
        float factor = (float)(file.Metadata.GetFloat(key("rope.scaling.factor")) ?? file.Metadata.GetFloat(key("rope.scale_linear")) ?? 0);
        if (factor < 0) throw new InvalidDataException($"{file.Path}: the RoPE scaling factor {factor} is negative.");
        return (type == "none" || factor == 0 ? 1f : 1f / factor, type == "yarn");
    }

    /// <summary>Which layers a sliding window applies to: {arch}.attention.sliding_window_pattern (a period or one bool per layer), else the architecture's period.</summary>
    private static bool[] WindowedLayers(GgufFile file, Func<string, string> key, ArchitectureTraits traits, int blocks)
    {
        string patternKey = key("attention.sliding_window_pattern");
        if (file.Metadata.TryGetValue(patternKey, out object? value) && value is GgufArray { Items: bool[] perLayer })
            return perLayer.Length == blocks
                ? perLayer
                : throw new InvalidDataException($"{file.Path}: metadata '{patternKey}' has {perLayer.Length} entries for {blocks} layers.");
        int period = file.Metadata.GetInt32(patternKey) ?? traits.SlidingWindowPeriod ?? 0;
        if (period < 0) throw new InvalidDataException($"{file.Path}: metadata '{patternKey}' = {period} is negative.");
        return Enumerable.Range(0, blocks).Select(l => period == 0 || l % period < period - 1).ToArray();
    }
}
