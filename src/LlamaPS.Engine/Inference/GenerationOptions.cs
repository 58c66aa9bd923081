using LlamaPS.Engine.Sampling;

namespace LlamaPS.Engine.Inference;

/// <summary>What one generation call asks for.</summary>
public sealed record GenerationOptions
{
    public int MaxTokens { get; init; } = 256;
    public SamplingOptions Sampling { get; init; } = new();
    /// <summary>Generation ends before any of these strings; the string itself is not output.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Throws ArgumentException (ArgumentOutOfRangeException for a value out of range) naming what is wrong.</summary>
    public void Validate()
    {
        if (MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must not be negative.");
        if (Sampling is null) throw new ArgumentException("Sampling options are missing.", nameof(Sampling));
        if (Stop is null || Stop.Any(s => s is null)) throw new ArgumentException("Stop strings are missing or hold null.", nameof(Stop));
        Sampling.Validate();
    }
}
