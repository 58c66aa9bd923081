namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>
/// One decoder layer's weights as the Hugging Face checkpoint holds them: matrices [out, in] row by row, norm
/// weights as the model multiplies them (for Gemma the w of x * (1 + w)). Absent parts are null.
/// </summary>
internal sealed class ReferenceLayer
{
    public required float[] InputNorm { get; init; }        // [dim]
    public required float[] Wq { get; init; }               // [heads * headDim, dim]
    public required float[] Wk { get; init; }               // [kvHeads * headDim, dim]
    public required float[] Wv { get; init; }               // [kvHeads * headDim, dim]
    public required float[] Wo { get; init; }               // [dim, heads * headDim]
    public float[]? Bq { get; init; }
    public float[]? Bk { get; init; }
    public float[]? Bv { get; init; }
    public float[]? QNorm { get; init; }                    // [headDim]
    public float[]? KNorm { get; init; }                    // [headDim]
    public float[]? PostAttentionNorm { get; init; }        // [dim]
    public required float[] PreFeedForwardNorm { get; init; } // [dim]
    public float[]? PostFeedForwardNorm { get; init; }      // [dim]
    public required float[] Gate { get; init; }             // [ffn, dim]
    public required float[] Up { get; init; }               // [ffn, dim]
    public required float[] Down { get; init; }             // [dim, ffn]
}

/// <summary>A model of a <see cref="ReferenceSpec"/> with random weights, scaled so activations stay near unit size.</summary>
internal sealed class ReferenceModel
{
    public required ReferenceSpec Spec { get; init; }
    public required float[] Embed { get; init; }            // [vocab, dim]
    public float[]? LmHead { get; init; }                   // [vocab, dim]; null when tied to Embed
    public required float[] FinalNorm { get; init; }        // [dim]
    public required ReferenceLayer[] Layers { get; init; }

    public static ReferenceModel Random(ReferenceSpec s, int seed)
    {
        var random = new Random(seed);
        float[] Uniform(int n, double range) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * range)).ToArray();
        // Uniform with unit output variance for unit-variance inputs: range sqrt(3 / fan-in).
        float[] Matrix(int rows, int cols) => Uniform(rows * cols, Math.Sqrt(3.0 / cols));
        // Norm weights near their neutral value, so a norm that is skipped or applied twice shows.
        float[] Norm(int n) => Uniform(n, 0.3).Select(w => s.NormAddsOne ? w : 1 + w).ToArray();
        int q = s.Heads * s.HeadDim, kv = s.KvHeads * s.HeadDim;
        return new ReferenceModel
        {
            Spec = s,
            Embed = Uniform(s.Vocab * s.Dim, 1),
            LmHead = s.TiedEmbeddings ? null : Matrix(s.Vocab, s.Dim),
            FinalNorm = Norm(s.Dim),
            Layers = Enumerable.Range(0, s.Layers).Select(_ => new ReferenceLayer
            {
                InputNorm = Norm(s.Dim),
                Wq = Matrix(q, s.Dim), Wk = Matrix(kv, s.Dim), Wv = Matrix(kv, s.Dim), Wo = Matrix(s.Dim, q),
                Bq = s.QkvBias ? Uniform(q, 0.5) : null,
                Bk = s.QkvBias ? Uniform(kv, 0.5) : null,
                Bv = s.QkvBias ? Uniform(kv, 0.5) : null,
                QNorm = s.QkNorm ? Norm(s.HeadDim) : null,
                KNorm = s.QkNorm ? Norm(s.HeadDim) : null,
                PostAttentionNorm = s.SandwichNorms ? Norm(s.Dim) : null,
                PreFeedForwardNorm = Norm(s.Dim),
                PostFeedForwardNorm = s.SandwichNorms ? Norm(s.Dim) : null,
                Gate = Matrix(s.Ffn, s.Dim), Up = Matrix(s.Ffn, s.Dim), Down = Matrix(s.Dim, s.Ffn),
            }).ToArray(),
        };
    }
}
