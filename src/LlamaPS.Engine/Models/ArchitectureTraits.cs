namespace LlamaPS.Engine.Models;

/// <summary>
/// What an architecture fixes that its GGUF metadata does not say, as llama.cpp's loader and graph for it assume.
/// <see cref="ModelConfig.FromGguf"/> combines these with the metadata; nothing else looks at the architecture name.
/// </summary>
internal sealed record ArchitectureTraits
{
    public required string Name { get; init; }
    public RopeStyle RopeStyle { get; init; } = RopeStyle.Normal;
    /// <summary>q, k and v carry biases (attn_q.bias, ...), which must be present.</summary>
    public bool QkvBias { get; init; }
    /// <summary>q and k are RMS-normalized per head before RoPE (attn_q_norm, attn_k_norm [headDim]).</summary>
    public bool QkNorm { get; init; }
    public NormPlacement NormPlacement { get; init; } = NormPlacement.Pre;
    public FeedForwardActivation Activation { get; init; } = FeedForwardActivation.SiLU;
    /// <summary>Token embeddings are multiplied by sqrt(dim) before the first block.</summary>
    public bool ScalesEmbedding { get; init; }

    /// <summary>
    /// Which layers a sliding window applies to when the file has no {arch}.attention.sliding_window_pattern, as
    /// llama.cpp's set_swa_pattern: layer l is windowed when the period is 0 (every layer, as Mistral) or
    /// l % period &lt; period - 1 (the last layer of each period attends globally). Null: the architecture ignores
    /// the window key (llama.cpp does so for phi3, whose converted windows are not what the models were trained with).
    /// </summary>
    public int? SlidingWindowPeriod { get; init; } = 0;
    /// <summary>The window when {arch}.attention.sliding_window is absent; 0: none.</summary>
    public int DefaultSlidingWindow { get; init; }
    /// <summary>The RoPE base of windowed layers when {arch}.rope.freq_base_swa is absent; they then use no frequency scaling. Null: as the global layers.</summary>
    public float? WindowedRopeFreqBase { get; init; }

    /// <summary>Soft-caps when their keys are absent; 0: none.</summary>
    public float DefaultAttentionSoftCap { get; init; }
    public float DefaultFinalLogitSoftCap { get; init; }

    /// <summary>Queries are scaled by QueryScalar^-1/2 before q·k; given (dim, heads, headDim, blocks). Default: the head size.</summary>
    public Func<int, int, int, int, int> QueryScalar { get; init; } = (_, _, headDim, _) => headDim;

    // gemma_pytorch's query_pre_attn_scalar: dim / heads for the 27B models (told apart by their layer count, as
    // llama.cpp does: 46 layers for Gemma 2, 62 for Gemma 3), the head size for the others.
    private static Func<int, int, int, int, int> GemmaQueryScalar(int blocksOf27B) =>
        (dim, heads, headDim, blocks) => blocks == blocksOf27B ? dim / heads : headDim;

    public static IReadOnlyList<ArchitectureTraits> All { get; } =
    [
        new() { Name = "llama" },
        new() { Name = "qwen2", RopeStyle = RopeStyle.Neox, QkvBias = true },
        new() { Name = "qwen3", RopeStyle = RopeStyle.Neox, QkNorm = true },
        new() { Name = "phi3", RopeStyle = RopeStyle.Neox, SlidingWindowPeriod = null },
        new() { Name = "gemma", RopeStyle = RopeStyle.Neox, Activation = FeedForwardActivation.GeluTanh, ScalesEmbedding = true },
        new()
        {
            Name = "gemma2", RopeStyle = RopeStyle.Neox, NormPlacement = NormPlacement.PreAndPost,
            Activation = FeedForwardActivation.GeluTanh, ScalesEmbedding = true,
            SlidingWindowPeriod = 2, DefaultSlidingWindow = 4096,
            DefaultAttentionSoftCap = 50f, DefaultFinalLogitSoftCap = 30f,
            QueryScalar = GemmaQueryScalar(46),
        },
        new()
        {
            Name = "gemma3", RopeStyle = RopeStyle.Neox, QkNorm = true, NormPlacement = NormPlacement.PreAndPost,
            Activation = FeedForwardActivation.GeluTanh, ScalesEmbedding = true,
            SlidingWindowPeriod = 6, WindowedRopeFreqBase = 10000f,
            QueryScalar = GemmaQueryScalar(62),
        },
    ];

    public static ArchitectureTraits? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}
