namespace LlamaPS.Engine.Sampling;

/// <summary>
/// Picks the next token from logits, in llama.cpp's order: repeat penalty, top-k, top-p, min-p, temperature, then a
/// draw from the remaining distribution (or the argmax when the temperature is 0).
/// </summary>
public sealed class Sampler
{
    private readonly SamplingOptions _o;
    private readonly Random _random;
    private (int Id, float Logit)[] _candidates = [];

    public Sampler(SamplingOptions options)
    {
        options.Validate();
        _o = options;
        _random = new Random(options.Seed ?? Random.Shared.Next());
    }

    /// <summary>Chooses a token; <paramref name="logits"/> is modified by the penalty. <paramref name="history"/> is every token so far.</summary>
    public int Sample(Span<float> logits, ReadOnlySpan<int> history)
    {
        ApplyRepeatPenalty(logits, history);
        if (_o.Temperature <= 0) return ArgMax(logits);

        if (_candidates.Length != logits.Length) _candidates = new (int, float)[logits.Length];
        for (int i = 0; i < logits.Length; i++) _candidates[i] = (i, logits[i]);
        Array.Sort(_candidates, (a, b) => b.Logit.CompareTo(a.Logit) is var c && c != 0 ? c : a.Id.CompareTo(b.Id));
        int n = _o.TopK > 0 ? Math.Min(_o.TopK, _candidates.Length) : _candidates.Length;

        // Probabilities at temperature 1 decide top-p and min-p, as llama.cpp applies temperature last.
        float max = _candidates[0].Logit;
        var p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.Exp(_candidates[i].Logit - max);
        if (_o.TopP < 1)
        {
            double cumulative = 0;
            for (int i = 0; i < n; i++)
            {
                cumulative += p[i] / sum;
                if (cumulative >= _o.TopP) { n = i + 1; break; }
            }
        }
        if (_o.MinP > 0)
        {
            int keep = 1;
            while (keep < n && p[keep] >= _o.MinP * p[0]) keep++;
            n = keep;
        }

        double total = 0;
        var weights = new double[n];
        for (int i = 0; i < n; i++) total += weights[i] = Math.Exp((_candidates[i].Logit - max) / _o.Temperature);
        double r = _random.NextDouble() * total;
        for (int i = 0; i < n; i++)
        {
            r -= weights[i];
            if (r < 0) return _candidates[i].Id;
        }
        return _candidates[n - 1].Id;
    }

    private void ApplyRepeatPenalty(Span<float> logits, ReadOnlySpan<int> history)
    {
        if (_o.RepeatPenalty == 1 || _o.RepeatLastN == 0) return;
        var recent = history[Math.Max(0, history.Length - _o.RepeatLastN)..];
        var seen = new HashSet<int>();
        foreach (int id in recent)
        {
            if ((uint)id >= (uint)logits.Length || !seen.Add(id)) continue;
            logits[id] = logits[id] > 0 ? logits[id] / _o.RepeatPenalty : logits[id] * _o.RepeatPenalty;
        }
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
