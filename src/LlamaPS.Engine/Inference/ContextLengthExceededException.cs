namespace LlamaPS.Engine.Inference;

/// <summary>A prompt (or prompt plus generation) needs more positions than the context holds.</summary>
public sealed class ContextLengthExceededException : Exception
{
    public ContextLengthExceededException(int required, int contextLength)
        : base($"{required} tokens do not fit the context of {contextLength} tokens.")
    {
        Required = required;
        ContextLength = contextLength;
    }

    public int Required { get; }
    public int ContextLength { get; }
}
