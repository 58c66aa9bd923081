namespace LlamaPS.Engine.Models;

/// <summary>
/// How a layer's rotary position embedding turns q and k, in ggml's terms: pair i of the first
/// <see cref="Dimensions"/> of each head turns by angle pos * FreqBase^(-2i/Dimensions) / factor[i] (the optional
/// per-pair frequency factors, Llama 3.1's rope_freqs or phi3's LongRoPE tensors), times <see cref="FreqScale"/>
/// (linear interpolation: 1/factor), blended back towards the unscaled angle by <see cref="Yarn"/>; cos and sin are
/// multiplied by <see cref="MagnitudeScale"/>.
/// </summary>
public sealed record RopeConfig
{
    public required RopeStyle Style { get; init; }
    public required int Dimensions { get; init; }
    public required float FreqBase { get; init; }
    public float FreqScale { get; init; } = 1f;
    public float MagnitudeScale { get; init; } = 1f;
    public YarnRamp? Yarn { get; init; }
}
