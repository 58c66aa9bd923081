using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>ggml's block_q8_0: 32 int8 values with one f16 scale; value[i] = d * qs[i]. 34 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ8_0
{
    public const int Elements = 32;
    public const int Bytes = 34;

    public ushort D;
    public fixed sbyte Qs[Elements];

    /// <summary>
    /// Quantizes one row of activations (n a multiple of 32). The scale is amax/127 stored as f16, the values use
    /// 127/amax and round half to even, as ggml's x86 path does, so our integer products see the same numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeRow(ReadOnlySpan<float> x, Span<BlockQ8_0> y)
    {
        if (!Avx2.IsSupported)
        {
            QuantizeRowScalar(x, y);
            return;
        }
        // Values never exceed 127 here: no clamp (+inf as the top leaves them as they are).
        Vector256<float> top = Vector256.Create(float.PositiveInfinity);
        fixed (float* xp = x)
        fixed (BlockQ8_0* yp = y)
        {
            for (int b = 0; b < y.Length; b++)
            {
                float* xb = xp + b * Elements;
                Vector256<float> v0 = Vector256.Load(xb), v1 = Vector256.Load(xb + 8), v2 = Vector256.Load(xb + 16), v3 = Vector256.Load(xb + 24);
                Vector256<float> m = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
                Vector128<float> m4 = Vector128.Max(m.GetLower(), m.GetUpper());
                float amax = MathF.Max(MathF.Max(m4[0], m4[1]), MathF.Max(m4[2], m4[3]));
                yp[b].D = Fp16.SingleToHalf(amax / 127f);
                Vector256<float> id = Vector256.Create(amax != 0 ? 127f / amax : 0f);
                Int8Packing.Store32(xb, id, top, yp[b].Qs);
            }
        }
    }

    /// <summary>The scalar expression <see cref="QuantizeRow"/> must reproduce bit for bit.</summary>
    public static void QuantizeRowScalar(ReadOnlySpan<float> x, Span<BlockQ8_0> y)
    {
        for (int b = 0; b < y.Length; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * Elements, Elements);
            float amax = MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(xb));
            float id = amax != 0 ? 127f / amax : 0f;
            ref BlockQ8_0 blk = ref y[b];
            blk.D = Fp16.SingleToHalf(amax / 127f);
            for (int i = 0; i < Elements; i++) blk.Qs[i] = (sbyte)MathF.Round(xb[i] * id);
        }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ8_0> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ8_0 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * blk.Qs[i];
        }
    }
}
