using ILGPU;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// Reading units of a quantized matrix in the device layout <see cref="IQuantFormat"/> describes (word j of row r's
/// unit u at (r * W + j) * U + u, scale s at (r * S + s) * U + u), one unit at a time or, where U is a multiple of
/// 4, four consecutive units with one 16-byte load per word and per scale.
/// </summary>
public static class QuantLayout
{
    /// <summary>Unit <paramref name="unit"/> of <paramref name="row"/>, decoded.</summary>
    public static QuantUnit Decode<TFormat>(ArrayView<uint> quants, ArrayView<float> scales, long row, int unit, int units)
        where TFormat : struct, IQuantFormat
    {
        var format = default(TFormat);
        int words = format.StoredWords, perUnit = format.ScalesPerUnit; // constants once ILGPU specialises the format
        long w = row * words * units + unit, s = row * perUnit * units + unit;
        var stored = new StoredUnit { W0 = quants[w], S0 = scales[s] };
        if (words > 1) stored.W1 = quants[w + units];
        if (words > 2) stored.W2 = quants[w + 2 * units];
        if (words > 3) stored.W3 = quants[w + 3 * units];
        if (words > 4) stored.W4 = quants[w + 4 * units];
        if (words > 5) stored.W5 = quants[w + 5 * units];
        if (words > 6) stored.W6 = quants[w + 6 * units];
        if (words > 7) stored.W7 = quants[w + 7 * units];
        if (perUnit > 1) stored.S1 = scales[s + units];
        return format.Unpack(stored);
    }

    /// <summary>
    /// Units 4 <paramref name="quad"/>..4 quad + 3 of <paramref name="row"/>, stored: views of the matrix's words and
    /// scales as <see cref="Vector4Words"/> (units a multiple of 4, so every such quad is 16-byte aligned).
    /// </summary>
    public static void LoadQuad<TFormat>(ArrayView<Vector4Words> quants, ArrayView<Vector4Words> scales, long row, int quad, int units,
        out StoredUnit u0, out StoredUnit u1, out StoredUnit u2, out StoredUnit u3)
        where TFormat : struct, IQuantFormat
    {
        var format = default(TFormat);
        int words = format.StoredWords, perUnit = format.ScalesPerUnit, quads = units / 4;
        long w = row * words * quads + quad, s = row * perUnit * quads + quad;
        u0 = default; u1 = default; u2 = default; u3 = default;
        var v = quants[w];
        u0.W0 = v.X; u1.W0 = v.Y; u2.W0 = v.Z; u3.W0 = v.W;
        if (words > 1) { v = quants[w + quads]; u0.W1 = v.X; u1.W1 = v.Y; u2.W1 = v.Z; u3.W1 = v.W; }
        if (words > 2) { v = quants[w + 2 * quads]; u0.W2 = v.X; u1.W2 = v.Y; u2.W2 = v.Z; u3.W2 = v.W; }
        if (words > 3) { v = quants[w + 3 * quads]; u0.W3 = v.X; u1.W3 = v.Y; u2.W3 = v.Z; u3.W3 = v.W; }
        if (words > 4) { v = quants[w + 4 * quads]; u0.W4 = v.X; u1.W4 = v.Y; u2.W4 = v.Z; u3.W4 = v.W; }
        if (words > 5) { v = quants[w + 5 * quads]; u0.W5 = v.X; u1.W5 = v.Y; u2.W5 = v.Z; u3.W5 = v.W; }
        if (words > 6) { v = quants[w + 6 * quads]; u0.W6 = v.X; u1.W6 = v.Y; u2.W6 = v.Z; u3.W6 = v.W; }
        if (words > 7) { v = quants[w + 7 * quads]; u0.W7 = v.X; u1.W7 = v.Y; u2.W7 = v.Z; u3.W7 = v.W; }
        var f = scales[s];
        u0.S0 = Interop.IntAsFloat(f.X); u1.S0 = Interop.IntAsFloat(f.Y); u2.S0 = Interop.IntAsFloat(f.Z); u3.S0 = Interop.IntAsFloat(f.W);
        if (perUnit > 1)
        {
            f = scales[s + quads];
            u0.S1 = Interop.IntAsFloat(f.X); u1.S1 = Interop.IntAsFloat(f.Y); u2.S1 = Interop.IntAsFloat(f.Z); u3.S1 = Interop.IntAsFloat(f.W);
        }
    }
}
