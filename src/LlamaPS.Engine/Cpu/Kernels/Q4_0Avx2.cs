using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0's AVX2 kernels on <see cref="ActivationFormat.Q8_0Pairs"/> activations. Two blocks go through one 256-bit
/// register: [qs_b | qs_b+1] masked gives both blocks' low nibbles, shifted their high nibbles, and the activations
/// come pre-arranged to match. The nibbles stay unsigned (0..15), so vpmaddubsw takes them as they are; the -8
/// offset is subtracted in integers as 8 * sum(q_a), which the activations carry per block.
/// One token reads one row at a time (sequential streams prefetch best); a batch takes 2 rows x 4 tokens per tile,
/// sharing each unpacked weight pair between 4 tokens and each activation load between 2 rows.
/// </summary>
internal static unsafe class Q4_0Avx2
{
    private const int WBytes = BlockQ4_0.Bytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* a, int n)
    {
        int nb = n / 32;
        byte* zero = stackalloc byte[WBytes];
        Vector256<float> c = default;
        for (int b = 0; b < nb; b += 2)
        {
            byte* w0 = w + b * WBytes, second = b + 1 < nb ? w0 + WBytes : zero;
            var (lo, hi) = Unpack(w0, second);
            byte* pair = a + b / 2 * Q8_0Pairs.PairBytes;
            Vector256<float> scale = Scales(w0, second) * Vector256.Load((float*)(pair + Q8_0Pairs.ScaleOffset));
            c = Fma.MultiplyAdd(Products(lo, hi, pair, Offsets(pair)), scale, c);
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
            var (lo0, hi0) = Unpack(w0, second0);
            var (lo1, hi1) = Unpack(w1, second1);
            Vector256<float> s0 = Scales(w0, second0), s1 = Scales(w1, second1);
            byte* pair = a + b / 2 * Q8_0Pairs.PairBytes;
            Token(pair, lo0, hi0, s0, lo1, hi1, s1, ref c00, ref c10);
            Token(pair + aStride, lo0, hi0, s0, lo1, hi1, s1, ref c01, ref c11);
            Token(pair + 2 * aStride, lo0, hi0, s0, lo1, hi1, s1, ref c02, ref c12);
            Token(pair + 3 * aStride, lo0, hi0, s0, lo1, hi1, s1, ref c03, ref c13);
        }
        y[0] = Vector256.Sum(c00); y[1] = Vector256.Sum(c10);
        y[yStride] = Vector256.Sum(c01); y[yStride + 1] = Vector256.Sum(c11);
        y[2 * yStride] = Vector256.Sum(c02); y[2 * yStride + 1] = Vector256.Sum(c12);
        y[3 * yStride] = Vector256.Sum(c03); y[3 * yStride + 1] = Vector256.Sum(c13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Token(byte* pair, Vector256<byte> lo0, Vector256<byte> hi0, Vector256<float> s0, Vector256<byte> lo1, Vector256<byte> hi1, Vector256<float> s1,
                              ref Vector256<float> c0, ref Vector256<float> c1)
    {
        Vector256<int> offsets = Offsets(pair);
        Vector256<float> da = Vector256.Load((float*)(pair + Q8_0Pairs.ScaleOffset));
        c0 = Fma.MultiplyAdd(Products(lo0, hi0, pair, offsets), s0 * da, c0);
        c1 = Fma.MultiplyAdd(Products(lo1, hi1, pair, offsets), s1 * da, c1);
    }

    // 8 * sum(q_a) per block, in lane 0 of each half: what the unsigned nibbles overcount.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Offsets(byte* pair) => Vector256.ShiftLeft(Vector256.Load((int*)(pair + Q8_0Pairs.SumOffset)), 3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<byte> lo, Vector256<byte> hi, byte* pair, Vector256<int> offsets)
    {
        // Each 16-bit sum is at most 4 * 15 * 127, far from saturating.
        Vector256<short> s16 = Avx2.Add(Avx2.MultiplyAddAdjacent(lo, Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset))),
                                        Avx2.MultiplyAddAdjacent(hi, Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset))));
        return Avx.ConvertToVector256Single(Avx2.MultiplyAddAdjacent(s16, Vector256.Create((short)1)) - offsets);
    }

    // The nibbles of two blocks; a row with an odd block count pairs its last block with a zero block (scale 0),
    // so no load ever reaches past the row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte> Low, Vector256<byte> High) Unpack(byte* first, byte* second)
    {
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        Vector256<byte> q = Vector256.Create(Vector128.Load(first + 2), Vector128.Load(second + 2));
        return (q & m4, Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scales(byte* first, byte* second) =>
        Vector256.Create(Vector128.Create(Fp16.HalfToSingle(*(ushort*)first)), Vector128.Create(Fp16.HalfToSingle(*(ushort*)second)));
}
