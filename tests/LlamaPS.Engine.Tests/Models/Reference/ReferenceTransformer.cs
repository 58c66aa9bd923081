namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>
/// The forward pass of a <see cref="ReferenceModel"/> as the Hugging Face modeling code of Llama, Qwen2/3, Phi-3 and
/// Gemma2/3 computes it (eager attention), written plainly for tests: double precision, scalar loops, no KV cache,
/// every position recomputed from the tokens. It shares no code with the engine; it is the spec the engine is held to.
/// </summary>
internal sealed class ReferenceTransformer(ReferenceModel model)
{
    private readonly ReferenceSpec _s = model.Spec;

    /// <summary>
    /// The logits after each of <paramref name="tokens"/>, [tokens][vocab]. <paramref name="contextLength"/> picks
    /// LongRoPE's factors: long ones when the context reaches beyond the original one, as llama.cpp chooses per
    /// context (transformers chooses by the length of the sequence at hand).
    /// </summary>
    public double[][] Logits(int[] tokens, int contextLength) =>
        HiddenStates(tokens, contextLength).Select(x =>
        {
            double[] logits = Linear(model.LmHead ?? model.Embed, null, x);
            return _s.FinalLogitSoftcapping is double cap ? logits.Select(z => cap * Math.Tanh(z / cap)).ToArray() : logits;
        }).ToArray();

    /// <summary>Each token's hidden state after the final norm, [tokens][dim]: HF's last_hidden_state, what embeddings pool.</summary>
    public double[][] HiddenStates(int[] tokens, int contextLength)
    {
        int n = tokens.Length, dim = _s.Dim;
        bool longContext = _s.RopeScaling is LongRopeScaling lr && contextLength > lr.OriginalMaxPositions;
        double embedScale = _s.ScaleEmbedding ? Math.Sqrt(dim) : 1;
        var h = tokens.Select(t => Enumerable.Range(0, dim).Select(i => model.Embed[t * dim + i] * embedScale).ToArray()).ToArray();

        for (int l = 0; l < _s.Layers; l++)
        {
            ReferenceLayer w = model.Layers[l];
            var rope = ReferenceRope.For(_s, local: _s.IsSliding(l) && _s.LocalRopeTheta is not null, longContext);
            var attnIn = h.Select(x => Norm(x, w.InputNorm)).ToArray();
            var q = attnIn.Select(x => HeadsOf(Linear(w.Wq, w.Bq, x), _s.Heads, w.QNorm)).ToArray();
            var k = attnIn.Select(x => HeadsOf(Linear(w.Wk, w.Bk, x), _s.KvHeads, w.KNorm)).ToArray();
            var v = attnIn.Select(x => HeadsOf(Linear(w.Wv, w.Bv, x), _s.KvHeads, null)).ToArray();
            for (int t = 0; t < n; t++)
            {
                foreach (var head in q[t]) Rotate(head, t, rope);
                foreach (var head in k[t]) Rotate(head, t, rope);
            }
            for (int t = 0; t < n; t++)
            {
                double[] attn = Attention(q, k, v, t, _s.IsSliding(l) ? _s.SlidingWindow!.Value : int.MaxValue);
                double[] o = Linear(w.Wo, null, attn);
                if (w.PostAttentionNorm is not null) o = Norm(o, w.PostAttentionNorm);
                for (int i = 0; i < dim; i++) h[t][i] += o[i];
            }
            for (int t = 0; t < n; t++)
            {
                double[] x = Norm(h[t], w.PreFeedForwardNorm), gate = Linear(w.Gate, null, x), up = Linear(w.Up, null, x);
                double[] act = gate.Select((g, i) => Activation(g) * up[i]).ToArray();
                double[] down = Linear(w.Down, null, act);
                if (w.PostFeedForwardNorm is not null) down = Norm(down, w.PostFeedForwardNorm);
                for (int i = 0; i < dim; i++) h[t][i] += down[i];
            }
        }

        return h.Select(x => Norm(x, model.FinalNorm)).ToArray();
    }

    // Token t's attention output [heads * headDim]: each query head over its kv head's keys at positions
    // t - window < j <= t, scores scaled, soft-capped if so, softmaxed.
    private double[] Attention(double[][][] q, double[][][] k, double[][][] v, int t, int window)
    {
        int hd = _s.HeadDim, group = _s.Heads / _s.KvHeads;
        double scale = 1 / Math.Sqrt(_s.QueryPreAttnScalar ?? hd);
        var output = new double[_s.Heads * hd];
        for (int head = 0; head < _s.Heads; head++)
        {
            int kvHead = head / group, first = Math.Max(0, t - window + 1);
            var scores = new double[t + 1 - first];
            for (int j = first; j <= t; j++)
            {
                double s = Dot(q[t][head], k[j][kvHead]) * scale;
                scores[j - first] = _s.AttnLogitSoftcapping is double cap ? cap * Math.Tanh(s / cap) : s;
            }
            double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
            for (int j = first; j <= t; j++)
            {
                double p = Math.Exp(scores[j - first] - max) / sum;
                for (int d = 0; d < hd; d++) output[head * hd + d] += p * v[j][kvHead][d];
            }
        }
        return output;
    }

    // Rotates the first rotary dims of one head by position t: rotate_half pairs (i, i + d/2) or Meta's (2i, 2i + 1);
    // cos and sin carry the attention factor.
    private void Rotate(double[] x, int t, (double[] InvFreq, double AttentionFactor) rope)
    {
        int half = _s.Rotary / 2;
        for (int i = 0; i < half; i++)
        {
            double angle = t * rope.InvFreq[i], cos = Math.Cos(angle) * rope.AttentionFactor, sin = Math.Sin(angle) * rope.AttentionFactor;
            int a = _s.RotateHalf ? i : 2 * i, b = _s.RotateHalf ? i + half : 2 * i + 1;
            (x[a], x[b]) = (x[a] * cos - x[b] * sin, x[b] * cos + x[a] * sin);
        }
    }

    // [heads][headDim], each head RMS-normed with its own norm weight when there is one.
    private double[][] HeadsOf(double[] x, int heads, float[]? norm) =>
        Enumerable.Range(0, heads).Select(h =>
        {
            double[] head = x[(h * _s.HeadDim)..((h + 1) * _s.HeadDim)];
            return norm is null ? head : Norm(head, norm);
        }).ToArray();

    private double[] Norm(double[] x, float[] w)
    {
        double rms = Math.Sqrt(x.Sum(v => v * v) / x.Length + _s.RmsEps);
        return x.Select((v, i) => v / rms * (_s.NormAddsOne ? 1 + w[i] : w[i])).ToArray();
    }

    private double Activation(double g) => _s.GeluTanh
        ? 0.5 * g * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)))
        : g / (1 + Math.Exp(-g));

    // y = W x (+ b) for W [out, in] row by row.
    private static double[] Linear(float[] w, float[]? b, double[] x)
    {
        int cols = x.Length, rows = w.Length / cols;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = b?[r] ?? 0;
            for (int c = 0; c < cols; c++) sum += w[r * cols + c] * x[c];
            y[r] = sum;
        }
        return y;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
