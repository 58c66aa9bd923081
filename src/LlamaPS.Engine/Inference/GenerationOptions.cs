using LlamaPS.Engine.Sampling;

namespace LlamaPS.Engine.Inference;

/// <summary>What one generation call asks for.</summary>
public sealed record GenerationOptions
{
    public int MaxTokens { get; init; } = 256;
    public SamplingOptions Sampling { get; init; } = new();
    /// <summary>Generation ends before any of these strings; the string itself is not output.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
}
