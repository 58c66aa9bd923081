using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q8_0's AVX2 kernels on <see cref="ActivationFormat.Q8_0Pairs"/> activations, two blocks per step like
/// <see cref="Q4_0Avx2"/>: weights gathered as [first halves of b, b+1] and [second halves], so the activations'
/// pre-arranged halves, f32 scales and lanes line up (lane group 0 is block b, group 1 block b+1). Signed weights
/// need AVX2's sign trick: |w| times a with w's sign. The two halves are widened separately (their 16-bit sums
/// could overflow together) and added as int32.
/// </summary>
internal static unsafe class Q8_0Avx2
{
    private const int WBytes = BlockQ8_0.Bytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* a, int n)
    {
        int nb = n / 32;
        byte* zero = stackalloc byte[WBytes];
        Vector256<float> c = default;
        for (int b = 0; b < nb; b += 2)
        {
            byte* w0 = w + b * WBytes, second = b + 1 < nb ? w0 + WBytes : zero;
            var (lo, hi) = Gather(w0, second);
            byte* pair = a + b / 2 * Q8_0Pairs.PairBytes;
            Vector256<float> scale = Scales(w0, second) * Vector256.Load((float*)(pair + Q8_0Pairs.ScaleOffset));
            c = Fma.MultiplyAdd(Products(lo, Avx2.Abs(lo), hi, Avx2.Abs(hi), pair), scale, c);
        }
        return Vector256.Sum(c);
    }

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm2x4(byte* w, long rowStride, byte* a, long aStride, int n, float* y, long yStride)
    {
        int nb = n / 32;
        byte* zero = stackalloc byte[WBytes];
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        for (int b = 0; b < nb; b += 2)
        {
            byte* w0 = w + b * WBytes, w1 = w0 + rowStride;
            bool full = b + 1 < nb;
            byte* second0 = full ? w0 + WBytes : zero, second1 = full ? w1 + WBytes : zero;
            var (lo0, hi0) = Gather(w0, second0);
            var (lo1, hi1) = Gather(w1, second1);
            Vector256<byte> ulo0 = Avx2.Abs(lo0), uhi0 = Avx2.Abs(hi0), ulo1 = Avx2.Abs(lo1), uhi1 = Avx2.Abs(hi1);
            Vector256<float> s0 = Scales(w0, second0), s1 = Scales(w1, second1);
            byte* pair = a + b / 2 * Q8_0Pairs.PairBytes;
            Token(pair, lo0, ulo0, hi0, uhi0, s0, lo1, ulo1, hi1, uhi1, s1, ref c00, ref c10);
            Token(pair + aStride, lo0, ulo0, hi0, uhi0, s0, lo1, ulo1, hi1, uhi1, s1, ref c01, ref c11);
            Token(pair + 2 * aStride, lo0, ulo0, hi0, uhi0, s0, lo1, ulo1, hi1, uhi1, s1, ref c02, ref c12);
            Token(pair + 3 * aStride, lo0, ulo0, hi0, uhi0, s0, lo1, ulo1, hi1, uhi1, s1, ref c03, ref c13);
        }
        y[0] = Vector256.Sum(c00); y[1] = Vector256.Sum(c10);
        y[yStride] = Vector256.Sum(c01); y[yStride + 1] = Vector256.Sum(c11);
        y[2 * yStride] = Vector256.Sum(c02); y[2 * yStride + 1] = Vector256.Sum(c12);
        y[3 * yStride] = Vector256.Sum(c03); y[3 * yStride + 1] = Vector256.Sum(c13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Token(byte* pair, Vector256<sbyte> lo0, Vector256<byte> ulo0, Vector256<sbyte> hi0, Vector256<byte> uhi0, Vector256<float> s0,
                              Vector256<sbyte> lo1, Vector256<byte> ulo1, Vector256<sbyte> hi1, Vector256<byte> uhi1, Vector256<float> s1,
                              ref Vector256<float> c0, ref Vector256<float> c1)
    {
        Vector256<float> da = Vector256.Load((float*)(pair + Q8_0Pairs.ScaleOffset));
        c0 = Fma.MultiplyAdd(Products(lo0, ulo0, hi0, uhi0, pair), s0 * da, c0);
        c1 = Fma.MultiplyAdd(Products(lo1, ulo1, hi1, uhi1, pair), s1 * da, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<sbyte> lo, Vector256<byte> ulo, Vector256<sbyte> hi, Vector256<byte> uhi, byte* pair)
    {
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<short> plo = Avx2.MultiplyAddAdjacent(ulo, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset)), lo));
        Vector256<short> phi = Avx2.MultiplyAddAdjacent(uhi, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset)), hi));
        return Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(plo, ones) + Avx2.MultiplyAddAdjacent(phi, ones));
    }

    // Values 0-15 and 16-31 of two blocks; a row with an odd block count pairs its last block with a zero block
    // (its scale 0, its activations absent), so no load ever reaches past the row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<sbyte> Low, Vector256<sbyte> High) Gather(byte* first, byte* second) =>
        (Vector256.Create(Vector128.Load((sbyte*)(first + 2)), Vector128.Load((sbyte*)(second + 2))),
         Vector256.Create(Vector128.Load((sbyte*)(first + 18)), Vector128.Load((sbyte*)(second + 18))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scales(byte* first, byte* second) =>
        Vector256.Create(Vector128.Create(Fp16.HalfToSingle(*(ushort*)first)), Vector128.Create(Fp16.HalfToSingle(*(ushort*)second)));
}
