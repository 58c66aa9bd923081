using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        if (!Avx2.IsSupported)
        {
            QuantizeRowScalar(x, y);
            return;
        }
        fixed (float* xp = x)
        fixed (BlockQ8_K* yp = y)
        {
            for (int b = 0; b < y.Length; b++)
            {
                float* xb = xp + b * Elements;
                Vector256<float> m = Vector256.Abs(Vector256.Load(xb));
                for (int i = 8; i < Elements; i += 8) m = Vector256.Max(m, Vector256.Abs(Vector256.Load(xb + i)));
                Vector128<float> m4 = Vector128.Max(m.GetLower(), m.GetUpper());
                float amax = MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
                if (amax == 0)
                {
                    yp[b] = default;
                    continue;
                }
                // The scale comes from the first value of that magnitude, with its sign, as the scalar scan finds it.
                Vector256<float> am = Vector256.Create(amax);
                int first = 0;
                for (int i = 0; i < Elements; i += 8)
                {
                    uint hits = Vector256.Equals(Vector256.Abs(Vector256.Load(xb + i)), am).ExtractMostSignificantBits();
                    if (hits != 0)
                    {
                        first = i + BitOperations.TrailingZeroCount(hits);
                        break;
                    }
                }
                float iscale = -127f / xb[first];
                Vector256<float> scale = Vector256.Create(iscale), top = Vector256.Create(127f);
                sbyte* qs = yp[b].Qs;
                for (int i = 0; i < Elements; i += 32)
                {
                    Int8Packing.Store32(xb + i, scale, top, qs + i); // clamped at 127, as ggml's Q8_K
                    // Group sums: psadbw adds 8 unsigned bytes, so each value is offset by 128 (sign bit flipped) and 8 * 128 taken off.
                    Vector256<long> sums = Avx2.SumAbsoluteDifferences(Vector256.Load((byte*)qs + i) ^ Vector256.Create((byte)0x80), Vector256<byte>.Zero).AsInt64();
                    yp[b].BSums[i / 16] = (short)(sums[0] + sums[1] - 2048);
                    yp[b].BSums[i / 16 + 1] = (short)(sums[2] + sums[3] - 2048);
                }
                yp[b].D = 1 / iscale;
            }
        }
    }

    /// <summary>The scalar expression <see cref="QuantizeRow"/> must reproduce bit for bit.</summary>
    public static void QuantizeRowScalar(ReadOnlySpan<float> x, Span<BlockQ8_K> y)
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
