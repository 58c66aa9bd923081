namespace LlamaPS.Engine.Inference;

/// <summary>Why generation ended.</summary>
public enum StopReason
{
    EndOfGeneration,
    StopString,
    MaxTokens,
    ContextFull,
    /// <summary>The cancellation token was cancelled, or the caller stopped enumerating the pieces.</summary>
    Cancelled,
}
