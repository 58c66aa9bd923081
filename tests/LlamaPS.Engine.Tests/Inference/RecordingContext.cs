using LlamaPS.Engine.Inference;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>
/// Passes every call on to a real context and records it: the tokens and start position of each evaluation, and
/// what the KV cache holds afterwards, position by position, as the context itself would.
/// </summary>
public sealed class RecordingContext(IInferenceContext inner) : IInferenceContext
{
    private readonly List<int> _cache = [];

    public IInferenceContext Inner { get; } = inner;
    public List<(int Start, int[] Tokens)> Evaluations { get; } = [];

    /// <summary>The ids at positions 0.. of the cache: the last evaluation's, after what earlier ones left before it.</summary>
    public int[] Cache => _cache.ToArray();

    public int ContextLength => Inner.ContextLength;
    public long MemoryBytes => Inner.MemoryBytes;

    public void Evaluate(ReadOnlySpan<int> tokens, int startPosition, Span<float> logits)
    {
        Inner.Evaluate(tokens, startPosition, logits);
        Record(tokens, startPosition);
    }

    public void EvaluateHiddenStates(ReadOnlySpan<int> tokens, int startPosition, Span<float> hiddenStates)
    {
        Inner.EvaluateHiddenStates(tokens, startPosition, hiddenStates);
        Record(tokens, startPosition);
    }

    private void Record(ReadOnlySpan<int> tokens, int startPosition)
    {
        Evaluations.Add((startPosition, tokens.ToArray()));
        _cache.RemoveRange(startPosition, _cache.Count - startPosition);
        _cache.AddRange(tokens);
    }

    /// <summary>The session owns the real context; nothing to free here.</summary>
    public void Dispose()
    {
    }
}
