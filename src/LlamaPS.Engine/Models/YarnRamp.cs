namespace LlamaPS.Engine.Models;

/// <summary>
/// YaRN's blend of interpolated and original angles, as llama.cpp computes it (ggml_rope_yarn_corr_dims): pairs
/// below <see cref="Low"/> turn many times within the original context and keep their original angle, pairs above
/// <see cref="High"/> take the interpolated one, and the weight falls linearly between.
/// </summary>
public sealed record YarnRamp(float Low, float High)
{
    /// <summary>
    /// The ramp for RoPE over <paramref name="dims"/> dimensions trained on <paramref name="originalContext"/>
    /// positions: a pair is "fast" when it turns more than <paramref name="betaFast"/> times over that context,
    /// "slow" below <paramref name="betaSlow"/> turns.
    /// </summary>
    public static YarnRamp For(int dims, int originalContext, float freqBase, float betaFast, float betaSlow)
    {
        // The pair index at which a frequency turns `rotations` times over the original context.
        float PairTurning(float rotations) => dims * MathF.Log(originalContext / (rotations * 2 * MathF.PI)) / (2 * MathF.Log(freqBase));
        return new(MathF.Max(0, MathF.Floor(PairTurning(betaFast))), MathF.Min(dims - 1, MathF.Ceiling(PairTurning(betaSlow))));
    }

    /// <summary>The share of pair <paramref name="pair"/>'s angle that stays unscaled: 1 below Low, 0 above High.</summary>
    public float ExtrapolationWeight(int pair) => 1 - Math.Clamp((pair - Low) / MathF.Max(0.001f, High - Low), 0f, 1f);
}
