namespace LlamaPS.Engine.Sampling;

/// <summary>How the next token is chosen; defaults are llama.cpp's.</summary>
public sealed record SamplingOptions
{
    /// <summary>0 or less picks the most likely token (greedy); higher flattens the distribution.</summary>
    public float Temperature { get; init; } = 0.8f;
    /// <summary>Keep only the K most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; } = 40;
    /// <summary>Keep the most likely tokens whose probabilities add up to P; 1 keeps all.</summary>
    public float TopP { get; init; } = 0.95f;
    /// <summary>Drop tokens less likely than MinP times the most likely one; 0 keeps all.</summary>
    public float MinP { get; init; } = 0.05f;
    /// <summary>Divides positive logits (multiplies negative ones) of tokens seen in the last <see cref="RepeatLastN"/>; 1 is off.</summary>
    public float RepeatPenalty { get; init; } = 1.0f;
    public int RepeatLastN { get; init; } = 64;
    /// <summary>The same seed, prompt and options give the same text; null draws a seed.</summary>
    public int? Seed { get; init; }

    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    public void Validate()
    {
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be 0 (off) or positive.");
        if (TopP is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
        if (MinP is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinP), MinP, "MinP must be in [0, 1].");
        if (RepeatPenalty <= 0) throw new ArgumentOutOfRangeException(nameof(RepeatPenalty), RepeatPenalty, "RepeatPenalty must be positive.");
        if (RepeatLastN < 0) throw new ArgumentOutOfRangeException(nameof(RepeatLastN), RepeatLastN, "RepeatLastN must not be negative.");
    }
}
