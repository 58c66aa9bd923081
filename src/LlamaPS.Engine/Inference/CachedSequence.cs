namespace LlamaPS.Engine.Inference;

/// <summary>
/// An inference context together with the token ids its KV cache holds, position by position. A prompt that starts
/// like what is cached is evaluated only from the first token that differs: the cache of the common prefix is kept,
/// and what follows is overwritten (a context attends only to the positions before the one it evaluates, so stale
/// entries further on are never read).
/// </summary>
public sealed class CachedSequence(IInferenceContext context)
{
    private readonly List<int> _tokens = [];

    public IInferenceContext Context { get; } = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The ids at positions 0.. of the context's cache.</summary>
    public IReadOnlyList<int> Tokens => _tokens;

    public int Length => _tokens.Count;

    /// <summary>
    /// Makes the cache hold exactly <paramref name="prompt"/> and writes the logits of its last token. Returns how many
    /// leading tokens were already cached and not evaluated again; the last token is always evaluated, as its logits
    /// are needed.
    /// </summary>
    public int EvaluatePrompt(ReadOnlySpan<int> prompt, Span<float> logits)
    {
        if (prompt.IsEmpty) throw new ArgumentException("No tokens to evaluate.", nameof(prompt));
        int reused = Math.Min(CommonPrefixLength(prompt), prompt.Length - 1);
        // Forget the rest first: should evaluation fail part way, the cache past the prefix is no longer known.
        _tokens.RemoveRange(reused, _tokens.Count - reused);
        Context.Evaluate(prompt[reused..], reused, logits);
        _tokens.AddRange(prompt[reused..]);
        return reused;
    }

    /// <summary>Evaluates one more token at the next position and writes its logits.</summary>
    public void Append(int token, Span<float> logits)
    {
        Context.Evaluate([token], _tokens.Count, logits);
        _tokens.Add(token);
    }

    /// <summary>How many leading tokens of <paramref name="prompt"/> the cache already holds.</summary>
    private int CommonPrefixLength(ReadOnlySpan<int> prompt)
    {
        int n = Math.Min(prompt.Length, _tokens.Count);
        int i = 0;
        while (i < n && _tokens[i] == prompt[i]) i++;
        return i;
    }
}
