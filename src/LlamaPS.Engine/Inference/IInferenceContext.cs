namespace LlamaPS.Engine.Inference;

/// <summary>One sequence's state on a device: the KV cache and the buffers of a forward pass.</summary>
public interface IInferenceContext : IDisposable
{
    int ContextLength { get; }

    /// <summary>Bytes this context holds beyond the model's weights (KV cache and work buffers).</summary>
    long MemoryBytes { get; }

    /// <summary>
    /// Runs the transformer over <paramref name="tokens"/> at positions startPosition.. (earlier positions must already
    /// be in the cache) as one batch, and writes the logits of the last token, [vocab], to <paramref name="logits"/>.
    /// </summary>
    void Evaluate(ReadOnlySpan<int> tokens, int startPosition, Span<float> logits);

    /// <summary>
    /// Runs the transformer over <paramref name="tokens"/> exactly as <see cref="Evaluate"/> does, and writes every
    /// token's hidden state after the final norm (output_norm), [tokens, dim] row by row, to
    /// <paramref name="hiddenStates"/>: what embeddings pool. The output projection to the vocabulary is not computed.
    /// </summary>
    void EvaluateHiddenStates(ReadOnlySpan<int> tokens, int startPosition, Span<float> hiddenStates);
}
