using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Gathers rows of a quantized matrix [rows, 32 * units] to f32: x[t, :] = W[ids[t], :], one thread a unit of 32
/// (index = t * units + unit). The embedding lookup, so only token ids cross to the device.
/// </summary>
public static class QuantEmbeddingKernel
{
    public static void Run<TFormat>(Index1D index, ArrayView<uint> quants, ArrayView<float> weightScales, ArrayView<int> ids, ArrayView<float> x, int units)
        where TFormat : struct, IQuantFormat
    {
        int t = index / units, unit = index % units;
        var q = QuantLayout.Decode<TFormat>(quants, weightScales, ids[t], unit, units);
        long o = ((long)t * units + unit) * 32;
        Write(x, o, q.W0, q.ScaleLo, q.Min);
        Write(x, o + 4, q.W1, q.ScaleLo, q.Min);
        Write(x, o + 8, q.W2, q.ScaleLo, q.Min);
        Write(x, o + 12, q.W3, q.ScaleLo, q.Min);
        Write(x, o + 16, q.W4, q.ScaleHi, q.Min);
        Write(x, o + 20, q.W5, q.ScaleHi, q.Min);
        Write(x, o + 24, q.W6, q.ScaleHi, q.Min);
        Write(x, o + 28, q.W7, q.ScaleHi, q.Min);
    }

    private static void Write(ArrayView<float> x, long at, uint word, float scale, float min)
    {
        for (int b = 0; b < 4; b++) x[at + b] = scale * DeviceMath.SignedByte(word, b) - min;
    }
}
