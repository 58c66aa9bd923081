namespace LlamaPS.Engine.Inference;

/// <summary>
/// Counts and timings of one generation, for -Verbose and benchmarks. <see cref="CachedTokens"/> of the
/// <see cref="PromptTokens"/> were already in the context's KV cache (a chat's earlier turns) and were not evaluated.
/// </summary>
public sealed record GenerationStats(int PromptTokens, TimeSpan PromptTime, int GeneratedTokens, TimeSpan GenerationTime, StopReason StopReason, int CachedTokens = 0)
{
    /// <summary>The prompt tokens that were evaluated, in <see cref="PromptTime"/>.</summary>
    public int EvaluatedPromptTokens => PromptTokens - CachedTokens;
    public double PromptTokensPerSecond => EvaluatedPromptTokens / Math.Max(PromptTime.TotalSeconds, 1e-9);
    public double GenerationTokensPerSecond => GeneratedTokens / Math.Max(GenerationTime.TotalSeconds, 1e-9);
}
