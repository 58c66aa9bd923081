using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0's AVX2 kernels on <see cref="ActivationFormat.Q8_0WithSums"/> activations. Two blocks go through one
/// 256-bit register: [qs_b | qs_b+1] masked gives both blocks' low nibbles, shifted their high nibbles, each
/// multiplied by the matching activation halves. The nibbles stay unsigned (0..15), so vpmaddubsw takes them as
/// they are (no sign juggling); the -8 offset becomes -8 * d_w * (d_a * sum(q_a)) once per block.
/// For a batch, 2 rows x 4 tokens share unpacking and loads. One token reads one row at a time: a 4-row GEMV
/// measured faster with weights in cache but slower streaming a real model from memory.
/// </summary>
internal static unsafe class Q4_0Avx2
{
    private const int WBytes = BlockQ4_0.Bytes, ABytes = BlockQ8_0.Bytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* a, int n)
    {
        int nb = n / 32;
        float* da = Q8_0WithSums.Scales(a, nb), ds = Q8_0WithSums.ScaledSums(a, nb);
        Vector256<float> c = default;
        float k = 0;
        int b = 0;
        for (; b + 2 <= nb; b += 2)
        {
            var (lo, hi) = ActivationPair(a + b * ABytes);
            Pair(w + b * WBytes, lo, hi, Vector256.Create(Vector128.Create(da[b]), Vector128.Create(da[b + 1])), ds + b, ref c, ref k);
        }
        if (b < nb) Single(w + b * WBytes, a + b * ABytes, da[b], ds[b], ref c, ref k);
        return Vector256.Sum(c) + k;
    }

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm2x4(byte* w, long rowStride, byte* a, long aStride, int n, float* y, long yStride)
    {
        int nb = n / 32;
        if (nb % 2 != 0)
        {
            // Odd block counts (rare: n = 32 * odd) take the per-pair path.
            for (int t = 0; t < 4; t++)
                for (int r = 0; r < 2; r++)
                    y[t * yStride + r] = Dot(w + r * rowStride, a + t * aStride, n);
            return;
        }
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        float k00 = 0, k01 = 0, k02 = 0, k03 = 0, k10 = 0, k11 = 0, k12 = 0, k13 = 0;
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        for (int b = 0; b < nb; b += 2)
        {
            byte* w0 = w + b * WBytes, w1 = w0 + rowStride;
            Vector256<byte> q0 = Vector256.Create(Vector128.Load(w0 + 2), Vector128.Load(w0 + WBytes + 2));
            Vector256<byte> q1 = Vector256.Create(Vector128.Load(w1 + 2), Vector128.Load(w1 + WBytes + 2));
            Vector256<byte> lo0 = q0 & m4, hi0 = Avx2.ShiftRightLogical(q0.AsUInt16(), 4).AsByte() & m4;
            Vector256<byte> lo1 = q1 & m4, hi1 = Avx2.ShiftRightLogical(q1.AsUInt16(), 4).AsByte() & m4;
            float d00 = Fp16.HalfToSingle(*(ushort*)w0), d01 = Fp16.HalfToSingle(*(ushort*)(w0 + WBytes));
            float d10 = Fp16.HalfToSingle(*(ushort*)w1), d11 = Fp16.HalfToSingle(*(ushort*)(w1 + WBytes));
            Vector256<float> dw0 = Vector256.Create(Vector128.Create(d00), Vector128.Create(d01));
            Vector256<float> dw1 = Vector256.Create(Vector128.Create(d10), Vector128.Create(d11));
            byte* ab = a + b * ABytes;
            Token(ab, nb, b, lo0, hi0, dw0, d00, d01, lo1, hi1, dw1, d10, d11, ref c00, ref k00, ref c10, ref k10);
            Token(ab + aStride, nb, b, lo0, hi0, dw0, d00, d01, lo1, hi1, dw1, d10, d11, ref c01, ref k01, ref c11, ref k11);
            Token(ab + 2 * aStride, nb, b, lo0, hi0, dw0, d00, d01, lo1, hi1, dw1, d10, d11, ref c02, ref k02, ref c12, ref k12);
            Token(ab + 3 * aStride, nb, b, lo0, hi0, dw0, d00, d01, lo1, hi1, dw1, d10, d11, ref c03, ref k03, ref c13, ref k13);
        }
        y[0] = Vector256.Sum(c00) + k00; y[1] = Vector256.Sum(c10) + k10;
        y[yStride] = Vector256.Sum(c01) + k01; y[yStride + 1] = Vector256.Sum(c11) + k11;
        y[2 * yStride] = Vector256.Sum(c02) + k02; y[2 * yStride + 1] = Vector256.Sum(c12) + k12;
        y[3 * yStride] = Vector256.Sum(c03) + k03; y[3 * yStride + 1] = Vector256.Sum(c13) + k13;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Token(byte* ab, int nb, int b, Vector256<byte> lo0, Vector256<byte> hi0, Vector256<float> dw0, float d00, float d01,
                              Vector256<byte> lo1, Vector256<byte> hi1, Vector256<float> dw1, float d10, float d11,
                              ref Vector256<float> c0, ref float k0, ref Vector256<float> c1, ref float k1)
    {
        // ab points at block b of this token's row; its scale arrays follow the row's nb blocks.
        byte* row = ab - b * ABytes;
        float* da = Q8_0WithSums.Scales(row, nb) + b, ds = Q8_0WithSums.ScaledSums(row, nb) + b;
        var (alo, ahi) = ActivationPair(ab);
        Vector256<float> dav = Vector256.Create(Vector128.Create(da[0]), Vector128.Create(da[1]));
        c0 = Fma.MultiplyAdd(Products(lo0, hi0, alo, ahi), dw0 * dav, c0);
        c1 = Fma.MultiplyAdd(Products(lo1, hi1, alo, ahi), dw1 * dav, c1);
        k0 -= 8 * (d00 * ds[0] + d01 * ds[1]);
        k1 -= 8 * (d10 * ds[0] + d11 * ds[1]);
    }

    // Activation halves matching [lo_b | lo_b+1] and [hi_b | hi_b+1]: elements 0-15 and 16-31 of both blocks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<sbyte> Low, Vector256<sbyte> High) ActivationPair(byte* ab) =>
        (Vector256.Create(Vector128.Load((sbyte*)(ab + 2)), Vector128.Load((sbyte*)(ab + ABytes + 2))),
         Vector256.Create(Vector128.Load((sbyte*)(ab + 18)), Vector128.Load((sbyte*)(ab + ABytes + 18))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<byte> lo, Vector256<byte> hi, Vector256<sbyte> alo, Vector256<sbyte> ahi)
    {
        // Each 16-bit sum is at most 4 * 15 * 127, far from saturating.
        Vector256<short> s16 = Avx2.Add(Avx2.MultiplyAddAdjacent(lo, alo), Avx2.MultiplyAddAdjacent(hi, ahi));
        return Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(s16, Vector256.Create((short)1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(byte* w0, Vector256<sbyte> alo, Vector256<sbyte> ahi, Vector256<float> dav, float* ds, ref Vector256<float> c, ref float k)
    {
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        Vector256<byte> q = Vector256.Create(Vector128.Load(w0 + 2), Vector128.Load(w0 + WBytes + 2));
        Vector256<byte> lo = q & m4, hi = Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4;
        float d0 = Fp16.HalfToSingle(*(ushort*)w0), d1 = Fp16.HalfToSingle(*(ushort*)(w0 + WBytes));
        c = Fma.MultiplyAdd(Products(lo, hi, alo, ahi), Vector256.Create(Vector128.Create(d0), Vector128.Create(d1)) * dav, c);
        k -= 8 * (d0 * ds[0] + d1 * ds[1]);
    }

    // A last unpaired block: its two nibble halves side by side against the block's 32 activations.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Single(byte* w0, byte* a0, float da, float ds, ref Vector256<float> c, ref float k)
    {
        Vector128<byte> q = Vector128.Load(w0 + 2), m4 = Vector128.Create((byte)0x0F);
        Vector256<byte> u = Vector256.Create(q & m4, Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4);
        Vector256<short> s16 = Avx2.MultiplyAddAdjacent(u, Vector256.Load((sbyte*)(a0 + 2)));
        Vector256<float> p = Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(s16, Vector256.Create((short)1)));
        float d = Fp16.HalfToSingle(*(ushort*)w0);
        c = Fma.MultiplyAdd(p, Vector256.Create(d * da), c);
        k -= 8 * d * ds;
    }
}
