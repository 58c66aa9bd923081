using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q8_K, the activation format the K-quants pair with: 256 int8 values, an f32 scale, and the sums of
/// each 16 values (which the K-quant dot products use for their minimums). 292 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ8_K
{
    public const int Elements = 256;
    public const int Bytes = 292;

    public float D;
    public fixed sbyte Qs[Elements];
    public fixed short BSums[Elements / 16];

    /// <summary>
    /// Quantizes activations: the first value of largest magnitude maps to -127 (scale -max/127), others round
    /// half to even and clamp at 127, as ggml's quantize_row_q8_K does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeRow(ReadOnlySpan<float> x, Span<BlockQ8_K> y)
    {
        for (int b = 0; b < y.Length; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * Elements, Elements);
            ref BlockQ8_K blk = ref y[b];
            float max = 0, amax = 0;
            foreach (float v in xb)
            {
                if (MathF.Abs(v) > amax) { amax = MathF.Abs(v); max = v; }
            }
            if (amax == 0)
            {
                blk = default;
                continue;
            }
            float iscale = -127f / max;
            for (int i = 0; i < Elements; i++) blk.Qs[i] = (sbyte)Math.Min(127f, MathF.Round(iscale * xb[i]));
            for (int g = 0; g < Elements / 16; g++)
            {
                int sum = 0;
                for (int i = 0; i < 16; i++) sum += blk.Qs[g * 16 + i];
                blk.BSums[g] = (short)sum;
            }
            blk.D = 1 / iscale;
        }
    }
}
