namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>
/// RoPE frequencies and the attention factor that multiplies cos and sin, as transformers' modeling_rope_utils
/// computes them for each rope_type (default, linear, llama3, yarn, longrope).
/// </summary>
internal static class ReferenceRope
{
    /// <param name="local">A Gemma3 sliding layer: its own base, no scaling.</param>
    /// <param name="longContext">LongRoPE: use the long factors.</param>
    public static (double[] InvFreq, double AttentionFactor) For(ReferenceSpec s, bool local, bool longContext)
    {
        int dim = s.Rotary;
        double theta = local ? s.LocalRopeTheta!.Value : s.RopeTheta;
        // inv_freq = 1 / base^(arange(0, dim, 2) / dim)
        double[] inv = Enumerable.Range(0, dim / 2).Select(i => 1.0 / Math.Pow(theta, 2.0 * i / dim)).ToArray();
        if (local) return (inv, 1);
        switch (s.RopeScaling)
        {
            case null:
                return (inv, 1);
            case LinearRopeScaling linear:
                return (inv.Select(f => f / linear.Factor).ToArray(), 1);
            case Llama3RopeScaling l3:
            {
                double lowWavelen = l3.OriginalMaxPositions / l3.LowFreqFactor, highWavelen = l3.OriginalMaxPositions / l3.HighFreqFactor;
                return (inv.Select(f =>
                {
                    double wavelen = 2 * Math.PI / f;
                    double llama = wavelen > lowWavelen ? f / l3.Factor : f;
                    bool medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
                    double smooth = (l3.OriginalMaxPositions / wavelen - l3.LowFreqFactor) / (l3.HighFreqFactor - l3.LowFreqFactor);
                    return medium ? (1 - smooth) * llama / l3.Factor + smooth * llama : llama;
                }).ToArray(), 1);
            }
            case YarnRopeScaling y:
            {
                double CorrectionDim(double rotations) => dim * Math.Log(y.OriginalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
                double low = Math.Max(Math.Floor(CorrectionDim(y.BetaFast)), 0), high = Math.Min(Math.Ceiling(CorrectionDim(y.BetaSlow)), dim - 1);
                if (low == high) high += 0.001;
                return (inv.Select((f, i) =>
                {
                    double extrapolationFactor = 1 - Math.Clamp((i - low) / (high - low), 0, 1);
                    return f / y.Factor * (1 - extrapolationFactor) + f * extrapolationFactor;
                }).ToArray(), y.Factor > 1 ? 0.1 * Math.Log(y.Factor) + 1 : 1);
            }
            case LongRopeScaling lr:
            {
                double factor = (double)s.MaxPositions / lr.OriginalMaxPositions;
                double[] ext = longContext ? lr.LongFactor : lr.ShortFactor;
                return (inv.Select((f, i) => f / ext[i]).ToArray(), factor > 1 ? Math.Sqrt(1 + Math.Log(factor) / Math.Log(lr.OriginalMaxPositions)) : 1);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(s), s.RopeScaling, "Unknown rope scaling.");
        }
    }
}
