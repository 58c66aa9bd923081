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
    /// Adds one staged unit of tokens 8 <paramref name="tile"/>.. (B: their words c and 4 + c at column g):
    /// y += d_t * (lo_r * sum_lo + hi_r * sum_hi - min_r * s_t), as <see cref="QuantDot"/>; the halves summed
    /// together where the format's halves share a scale, the minimum left out where it has none. The integer sums
    /// stay far below 2^22, so they become floats without conversion instructions.
    /// </summary>
    public void Add<TFormat>(in MmaWeights w, in MmaLane lane, int tile, int unit)
        where TFormat : struct, IQuantFormat
    {
        uint lo = lane.Activation(tile, unit, 0), hi = lane.Activation(tile, unit, 1);
        float d0 = lane.ActivationScale(tile, unit, 0), d1 = lane.ActivationScale(tile, unit, 1);
        var format = default(TFormat);
        float p0, p1, p2, p3;
        if (format.SplitScales)
        {
            TensorCores.MultiplyK16(w.Row0Lo, w.Row8Lo, lo, out int l0, out int l1, out int l2, out int l3);
            TensorCores.MultiplyK16(w.Row0Hi, w.Row8Hi, hi, out int h0, out int h1, out int h2, out int h3);
            p0 = w.ScaleLo0 * DeviceMath.SmallIntToFloat(l0) + w.ScaleHi0 * DeviceMath.SmallIntToFloat(h0);
            p1 = w.ScaleLo0 * DeviceMath.SmallIntToFloat(l1) + w.ScaleHi0 * DeviceMath.SmallIntToFloat(h1);
            p2 = w.ScaleLo8 * DeviceMath.SmallIntToFloat(l2) + w.ScaleHi8 * DeviceMath.SmallIntToFloat(h2);
            p3 = w.ScaleLo8 * DeviceMath.SmallIntToFloat(l3) + w.ScaleHi8 * DeviceMath.SmallIntToFloat(h3);
        }
        else
        {
            TensorCores.MultiplyK32(w.Row0Lo, w.Row8Lo, w.Row0Hi, w.Row8Hi, lo, hi, out int k0, out int k1, out int k2, out int k3);
            p0 = w.ScaleLo0 * DeviceMath.SmallIntToFloat(k0);
            p1 = w.ScaleLo0 * DeviceMath.SmallIntToFloat(k1);
            p2 = w.ScaleLo8 * DeviceMath.SmallIntToFloat(k2);
            p3 = w.ScaleLo8 * DeviceMath.SmallIntToFloat(k3);
        }
        if (format.HasMin)
        {
            float s0 = DeviceMath.SmallIntToFloat(lane.ActivationSum(tile, unit, 0)), s1 = DeviceMath.SmallIntToFloat(lane.ActivationSum(tile, unit, 1));
            p0 -= w.Min0 * s0; p1 -= w.Min0 * s1; p2 -= w.Min8 * s0; p3 -= w.Min8 * s1;
        }
        C0 += d0 * p0;
        C1 += d1 * p1;
        C2 += d0 * p2;
        C3 += d1 * p3;
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
