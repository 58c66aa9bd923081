using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// A lane's part of a warp's 16 rows by 8 tokens output tile, in <see cref="TensorCores"/>' D layout: (row g, token
/// 2c), (g, 2c + 1), (g + 8, 2c), (g + 8, 2c + 1). Plain fields, so they stay in registers.
/// </summary>
public struct MmaTile
{
    public float C0, C1, C2, C3;

    /// <summary>
    /// Adds one staged unit of tokens 8 <paramref name="tile"/>.. (B: their words c and 4 + c at column g = lane / 4):
    /// y += d_t * (lo_r * sum_lo + hi_r * sum_hi - min_r * s_t), as <see cref="QuantDot"/>.
    /// </summary>
    public void Add<TFormat>(in MmaWeights w, in QuantTileStage stage, int tile, int unit, int lane)
        where TFormat : struct, IQuantFormat
    {
        int c = lane % 4;
        int at = (8 * tile + lane / 4) * stage.RowWords + 8 * unit + c;
        uint lo = stage.Activations[at], hi = stage.Activations[at + 4];
        int t = unit * stage.TileTokens + 8 * tile + 2 * c;
        float d0 = stage.ActivationScale[t], d1 = stage.ActivationScale[t + 1];
        int s0 = stage.ActivationSum[t], s1 = stage.ActivationSum[t + 1];
        if (default(TFormat).SplitScales)
        {
            TensorCores.MultiplyK16(w.Row0Lo, w.Row8Lo, lo, out int l0, out int l1, out int l2, out int l3);
            TensorCores.MultiplyK16(w.Row0Hi, w.Row8Hi, hi, out int h0, out int h1, out int h2, out int h3);
            C0 += d0 * (w.ScaleLo0 * l0 + w.ScaleHi0 * h0 - w.Min0 * s0);
            C1 += d1 * (w.ScaleLo0 * l1 + w.ScaleHi0 * h1 - w.Min0 * s1);
            C2 += d0 * (w.ScaleLo8 * l2 + w.ScaleHi8 * h2 - w.Min8 * s0);
            C3 += d1 * (w.ScaleLo8 * l3 + w.ScaleHi8 * h3 - w.Min8 * s1);
        }
        else
        {
            TensorCores.MultiplyK32(w.Row0Lo, w.Row8Lo, w.Row0Hi, w.Row8Hi, lo, hi, out int p0, out int p1, out int p2, out int p3);
            C0 += d0 * (w.ScaleLo0 * p0 - w.Min0 * s0);
            C1 += d1 * (w.ScaleLo0 * p1 - w.Min0 * s1);
            C2 += d0 * (w.ScaleLo8 * p2 - w.Min8 * s0);
            C3 += d1 * (w.ScaleLo8 * p3 - w.Min8 * s1);
        }
    }

    /// <summary>Writes the lane's values for rows row, row + 8 and tokens token, token + 1 inside y [tokens, rows].</summary>
    public readonly void Store(ArrayView<float> y, int row, int token, int rows, int tokens, int accumulate)
    {
        Put(y, row, token, C0, rows, tokens, accumulate);
        Put(y, row, token + 1, C1, rows, tokens, accumulate);
        Put(y, row + 8, token, C2, rows, tokens, accumulate);
        Put(y, row + 8, token + 1, C3, rows, tokens, accumulate);
    }

    private static void Put(ArrayView<float> y, int row, int token, float v, int rows, int tokens, int accumulate)
    {
        if (row >= rows || token >= tokens) return;
        long at = (long)token * rows + row;
        y[at] = accumulate != 0 ? y[at] + v : v;
    }
}
