using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0's one-token dot product on AVX-512 (BW, VBMI), a group of 8 blocks (144 bytes) against a group of
/// <see cref="ActivationFormat.Q8_0Pairs"/> activations per step. Three loads cover the 8 blocks; two vpermi2b
/// gather their 16-byte nibble arrays into two registers, one block per 128-bit lane, as the activations' Low and
/// High runs lie; one vpermi2w gathers the 8 f16 scales. The scales become floats in registers instead of 8 table
/// lookups: an f16's sign, exponent and mantissa shifted into a float's places read as its value times 2^-112 (exact
/// for normal and subnormal halves), which the activations' ScaledScale run makes up for. An f16 scale of inf or NaN
/// (a broken file; Q4_0 quantizers never write one) reads as a finite 2^16 to 2^17 instead of propagating.
/// As on AVX2, the nibbles stay unsigned and the -8 offset comes off as the activations' block sums times 8.
/// </summary>
internal static unsafe class Q4_0Avx512
{
    private const int GroupWeightBytes = Q8_0Pairs.GroupBlocks * BlockQ4_0.Bytes;

    // Byte 16k+j of the gathered nibbles of blocks 0-3 is byte 18k+2+j of the group: within the first two loads
    // (bytes 0-127), numbered as vpermi2b numbers its two tables. Blocks 4-7 lie in bytes 74-143: the second load
    // (64-127) and the third (80-143, so that no load reaches past the group), bytes from 128 on taken from the third.
    private static readonly Vector512<byte> Blocks0To3 = NibbleIndex(0), Blocks4To7 = NibbleIndex(4);

    // Word 9k of the first two loads is block k's scale; gathered into both words of int lane k (lanes 0-7).
    private static readonly Vector512<ushort> ScaleWords = ScaleIndex();

    // Lane 4k..4k+3 of a product vector is block k's: the 8 scales spread to blocks 0-3 and 4-7.
    private static readonly Vector512<int> Spread0To3 = Spread(0), Spread4To7 = Spread(4);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* a, int n)
    {
        int nb = n / BlockQ4_0.Elements, groups = nb / Q8_0Pairs.GroupBlocks, full = groups * Q8_0Pairs.GroupBlocks;
        float sum = Groups(w, a, groups, Blocks0To3, Blocks4To7, ScaleWords, Spread0To3, Spread4To7);
        return nb == full ? sum : sum + Vector256.Sum(Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.Rest(w + full * BlockQ4_0.Bytes, a + groups * Q8_0Pairs.GroupBytes, nb - full));
    }

    /// <summary>y[r] = row r · a for <paramref name="rows"/> rows <paramref name="rowStride"/> bytes apart: the constants load once for all of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(byte* w, long rowStride, byte* a, int n, float* y, int rows)
    {
        int nb = n / BlockQ4_0.Elements;
        if (nb % Q8_0Pairs.GroupBlocks != 0)
        {
            // Rows that end in part of a group: their rest is a call, around which the constants would not stay in
            // registers (the JIT reloads them in the inner loop instead).
            for (int r = 0; r < rows; r++) y[r] = Dot(w + r * rowStride, a, n);
            return;
        }
        Vector512<byte> first = Blocks0To3, second = Blocks4To7;
        Vector512<ushort> scaleWords = ScaleWords;
        Vector512<int> spread0 = Spread0To3, spread1 = Spread4To7;
        for (int r = 0; r < rows; r++, w += rowStride)
            y[r] = Groups(w, a, nb / Q8_0Pairs.GroupBlocks, first, second, scaleWords, spread0, spread1);
    }

    /// <summary>The dot product of <paramref name="groups"/> whole groups of 8 blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Groups(byte* w, byte* a, int groups, Vector512<byte> first, Vector512<byte> second, Vector512<ushort> scaleWords,
                                Vector512<int> spread0, Vector512<int> spread1)
    {
        Vector512<float> c0 = default, c1 = default;
        for (int g = 0; g < groups; g++, w += GroupWeightBytes, a += Q8_0Pairs.GroupBytes)
        {
            WeightPrefetch.Ahead(w, GroupWeightBytes);
            Vector512<byte> x0 = Vector512.Load(w), x1 = Vector512.Load(w + 64), x2 = Vector512.Load(w + 80);
            Vector512<byte> q0 = Avx512Vbmi.PermuteVar64x8x2(x0, first, x1), q1 = Avx512Vbmi.PermuteVar64x8x2(x1, second, x2);
            // Each int lane k (0-7) holds block k's f16 twice; an arithmetic shift by 3 puts its exponent and
            // mantissa in a float's bits 13-27 and copies the sign down to bit 28; the mask keeps the sign at 31 only.
            Vector256<int> halves = Avx512BW.PermuteVar32x16x2(x0.AsUInt16(), scaleWords, x1.AsUInt16()).AsInt32().GetLower();
            Vector256<float> d = (Avx2.ShiftRightArithmetic(halves, 3) & Vector256.Create(unchecked((int)0x8FFFE000))).AsSingle()
                               * Vector256.Load((float*)(a + Q8_0Pairs.ScaledScaleOffset));
            Vector512<float> d8 = d.ToVector512Unsafe();
            c0 = Avx512F.FusedMultiplyAdd(Products(q0, a), Avx512F.PermuteVar16x32(d8, spread0), c0);
            c1 = Avx512F.FusedMultiplyAdd(Products(q1, a + 64), Avx512F.PermuteVar16x32(d8, spread1), c1);
        }
        return Vector512.Sum(c0 + c1);
    }

    /// <summary>Integer sums of 4 blocks' nibbles times the activations at <paramref name="a"/> (minus the -8 offset's share), as f32: lanes 4k..4k+3 block k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Products(Vector512<byte> q, byte* a)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector512<byte> low = q & m4, high = Avx512BW.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4;
        // Each 16-bit sum is at most 4 * 15 * 127, far from saturating.
        Vector512<short> s16 = Avx512BW.MultiplyAddAdjacent(low, Vector512.Load((sbyte*)(a + Q8_0Pairs.LowOffset)))
                             + Avx512BW.MultiplyAddAdjacent(high, Vector512.Load((sbyte*)(a + Q8_0Pairs.HighOffset)));
        Vector512<int> sums = Avx512BW.MultiplyAddAdjacent(s16, Vector512.Create((short)1)) - Vector512.Load((int*)(a + Q8_0Pairs.BiasOffset));
        return Avx512F.ConvertToVector512Single(sums);
    }

    private static Vector512<byte> NibbleIndex(int firstBlock)
    {
        // The two tables start at byte 0 (blocks 0-3: loads at 0 and 64) or 64 (blocks 4-7: loads at 64 and 80).
        var index = new byte[64];
        for (int k = 0; k < 4; k++)
            for (int j = 0; j < 16; j++)
            {
                int at = BlockQ4_0.Bytes * (firstBlock + k) + 2 + j;
                index[16 * k + j] = (byte)(firstBlock == 0 ? at : at < 128 ? at - 64 : 64 + at - 80);
            }
        return Vector512.Create(index);
    }

    private static Vector512<ushort> ScaleIndex()
    {
        var index = new ushort[32];
        for (int i = 0; i < 16; i++) index[i] = (ushort)(BlockQ4_0.Bytes / 2 * (i / 2));
        return Vector512.Create(index);
    }

    private static Vector512<int> Spread(int firstBlock)
    {
        var index = new int[16];
        for (int i = 0; i < 16; i++) index[i] = firstBlock + i / 4;
        return Vector512.Create(index);
    }
}
