namespace LlamaPS.Engine.Inference;

/// <summary>
/// One sequence's state in an <see cref="IOffloadBackend"/>: the KV cache of its blocks. Its input is the residual
/// stream entering block <see cref="IOffloadBackend.FirstLayer"/>, [tokens, dim] row by row, at positions
/// startPosition.. (earlier positions must already be in the cache).
/// </summary>
public interface IOffloadContext : IDisposable
{
    /// <summary>Bytes this context holds beyond the weights (KV cache and work buffers).</summary>
    long MemoryBytes { get; }

    /// <summary>Runs the blocks over <paramref name="states"/> and writes the last token's logits [vocab].</summary>
    void Evaluate(ReadOnlySpan<float> states, int startPosition, Span<float> logits);

    /// <summary>Runs the blocks over <paramref name="states"/> and writes every token's final-normed state [tokens, dim].</summary>
    void EvaluateHiddenStates(ReadOnlySpan<float> states, int startPosition, Span<float> hiddenStates);
}
