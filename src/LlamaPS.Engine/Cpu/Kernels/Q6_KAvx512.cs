using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q6_K's one-token dot product on AVX-512 (BW), the expression of <see cref="Q6_KKernel"/> 64 values a register:
/// in each half super-block, one load of ql's 64 bytes holds the low nibbles of values 0-63 and the high nibbles of
/// 64-127, in element order; qh's 32 bytes, loaded twice over ([qh | qh]), give each half of a register its own bit
/// pair by a per-lane word shift. One vpermw spreads four groups' scales over a register's 32 pair sums. So a
/// half super-block takes 7 operations to unpack where AVX2 takes about 17, and 2 to spread scales instead of 8.
/// The two halves of the integer sums are added before they become floats: each int32 lane then sums the products
/// AVX2's lane sums, and the f32 steps are AVX2's (ggml's), so the result is the AVX2 path's to the bit.
/// </summary>
internal static unsafe class Q6_KAvx512
{
    // Per 16-bit lane: qh's bit pairs 0 and 1 (values 0-31, 32-63) to bits 4-5 by a left shift of 4 and 2; pairs 2
    // and 3 (values 64-95, 96-127) by a right shift of 0 and 2.
    private static readonly Vector512<ushort> LowValueShifts = Vector512.Create(Vector256.Create((ushort)4), Vector256.Create((ushort)2));
    private static readonly Vector512<ushort> HighValueShifts = Vector512.Create(Vector256<ushort>.Zero, Vector256.Create((ushort)2));

    // Chunk c (values 64c..64c+63, groups 4c..4c+3): each group's scale in its 8 pair-sum lanes.
    private static readonly Vector512<short> Chunk0 = ChunkScales(0), Chunk1 = ChunkScales(1), Chunk2 = ChunkScales(2), Chunk3 = ChunkScales(3);

    /// <summary>y[r] = row r · activations for <paramref name="rows"/> rows <paramref name="rowStride"/> bytes apart: the constants load once for all of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(byte* row, long rowStride, byte* activations, int n, float* y, int rows)
    {
        Vector512<ushort> lowShifts = LowValueShifts, highShifts = HighValueShifts;
        Vector512<short> chunk0 = Chunk0, chunk1 = Chunk1, chunk2 = Chunk2, chunk3 = Chunk3;
        for (int r = 0; r < rows; r++, row += rowStride)
            y[r] = Row((BlockQ6_K*)row, (BlockQ8_K*)activations, n, lowShifts, highShifts, chunk0, chunk1, chunk2, chunk3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row(BlockQ6_K* w, BlockQ8_K* a, int n, Vector512<ushort> lowShifts, Vector512<ushort> highShifts,
                             Vector512<short> chunk0, Vector512<short> chunk1, Vector512<short> chunk2, Vector512<short> chunk3)
    {
        Vector256<float> c = default;
        for (int b = 0; b < n / BlockQ6_K.Elements; b++, w++, a++)
        {
            WeightPrefetch.Ahead((byte*)w, BlockQ6_K.Bytes);
            Vector256<short> scales = Avx2.ConvertToVector256Int16(Vector128.Load(w->Scales));
            // The values stay unsigned (0..63); the -32 offset comes off once as 32 * sum_g scale_g * (Q8_K's group sum g).
            Vector256<int> offset = -Avx2.ShiftLeftLogical(Avx2.MultiplyAddAdjacent(scales, Vector256.Load(a->BSums)), 5);
            Vector512<short> wide = scales.ToVector512Unsafe();
            sbyte* x = a->Qs;
            Vector512<int> isum = Half(w->Ql, w->Qh, x, lowShifts, highShifts, Avx512BW.PermuteVar32x16(wide, chunk0), Avx512BW.PermuteVar32x16(wide, chunk1))
                                + Half(w->Ql + 64, w->Qh + 32, x + 128, lowShifts, highShifts, Avx512BW.PermuteVar32x16(wide, chunk2), Avx512BW.PermuteVar32x16(wide, chunk3));
            float d = Fp16.HalfToSingle(w->D) * a->D;
            c = Fma.MultiplyAdd(Avx.ConvertToVector256Single(offset + isum.GetLower() + isum.GetUpper()), Vector256.Create(d), c);
        }
        return Vector256.Sum(c);
    }

    /// <summary>Values 0-127 of a half super-block (ql 64 bytes, qh 32) times activations x, pair sums times their group's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Half(byte* ql, byte* qh, sbyte* x, Vector512<ushort> lowShifts, Vector512<ushort> highShifts,
                                       Vector512<short> lowScales, Vector512<short> highScales)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F), m30 = Vector512.Create((byte)0x30);
        Vector512<byte> l = Vector512.Load(ql);
        Vector512<ushort> h = Avx512F.BroadcastVector256ToVector512((ulong*)qh).AsUInt16();
        // (a & b) | c as one vpternlog: 0xF0 & 0xCC | 0xAA.
        Vector512<byte> low = Avx512F.TernaryLogic(l, m4, Avx512BW.ShiftLeftLogicalVariable(h, lowShifts).AsByte() & m30, 0xEA);
        Vector512<byte> high = Avx512F.TernaryLogic(Avx512BW.ShiftRightLogical(l.AsUInt16(), 4).AsByte(), m4,
                                                    Avx512BW.ShiftRightLogicalVariable(h, highShifts).AsByte() & m30, 0xEA);
        // Each 16-bit pair sum is at most 2 * 63 * 128, far from saturating.
        return Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(low, Vector512.Load(x)), lowScales)
             + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(high, Vector512.Load(x + 64)), highScales);
    }

    private static Vector512<short> ChunkScales(int c)
    {
        var index = new short[32];
        for (int i = 0; i < 32; i++) index[i] = (short)(4 * c + i / 8);
        return Vector512.Create(index);
    }
}
