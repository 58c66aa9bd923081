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
}
