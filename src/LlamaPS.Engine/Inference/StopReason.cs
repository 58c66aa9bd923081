namespace LlamaPS.Engine.Inference;

/// <summary>Why generation ended.</summary>
public enum StopReason
{
    EndOfGeneration,
    StopString,
    MaxTokens,
    ContextFull,
    Cancelled,
}
