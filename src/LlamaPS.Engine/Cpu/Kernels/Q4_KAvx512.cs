using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_K's one-token dot product on AVX-512 (BW), the expression of <see cref="Q4_KKernel"/> 64 values a register.
/// Two loads cover a super-block's 128 bytes of nibbles; each 32-byte run holds sub-block 2j in its low nibbles and
/// 2j+1 in its high ones, so one vshufi64x2 of the masked low and shifted high nibbles puts values 64j..64j+63 in
/// element order against one 64-byte load of activations, and one in-lane vpshufb of the 8 scales (broadcast to
/// every 128-bit lane) spreads the two sub-blocks' scales over its 32 pair sums. The activations' group sums, paired
/// per sub-block for the minimum term, are the same for every row, so a call over many rows pairs them once. So a
/// super-block takes about 30 vector operations where AVX2 takes about 55. The two halves of the
/// integer sums are added before they become floats: each int32 lane then holds what AVX2's lane holds, and the f32
/// steps (the minimum term too) are AVX2's, ggml's, so the result is the AVX2 path's to the bit.
/// </summary>
internal static unsafe class Q4_KAvx512
{
    // Values 64j..64j+63: vpshufb indices that put scale byte 2j, zero-extended, in the 16 pair-sum lanes of 128-bit
    // lanes 0-1 and byte 2j+1 in those of lanes 2-3.
    private static readonly Vector512<byte> Run0 = RunScales(0), Run1 = RunScales(1), Run2 = RunScales(2), Run3 = RunScales(3);

    /// <summary>y[r] = row r · activations for <paramref name="rows"/> rows <paramref name="rowStride"/> bytes apart: the constants load once for all of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot(byte* row, long rowStride, byte* activations, int n, float* y, int rows)
    {
        Vector512<byte> run0 = Run0, run1 = Run1, run2 = Run2, run3 = Run3;
        var a = (BlockQ8_K*)activations;
        int blocks = n / BlockQ4_K.Elements;
        Vector128<short>* pairs = stackalloc Vector128<short>[blocks];
        for (int b = 0; b < blocks; b++) pairs[b] = Nibbles.SubBlockSums(a[b].BSums);
        for (int r = 0; r < rows; r++, row += rowStride)
            y[r] = Row((BlockQ4_K*)row, a, pairs, blocks, run0, run1, run2, run3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row(BlockQ4_K* w, BlockQ8_K* a, Vector128<short>* pairs, int blocks, Vector512<byte> run0, Vector512<byte> run1, Vector512<byte> run2, Vector512<byte> run3)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        Vector256<float> c = default;
        Vector128<float> m = default;
        for (int b = 0; b < blocks; b++, w++, a++)
        {
            WeightPrefetch.Ahead((byte*)w, BlockQ4_K.Bytes);
            var (sc, mn) = BlockQ4_K.ScalesAndMins(w->Scales);
            Vector512<byte> scales = Vector512.Create(sc).AsByte();
            Vector512<byte> q01 = Vector512.Load(w->Qs), q23 = Vector512.Load(w->Qs + 64);
            Vector512<ulong> lo01 = (q01 & m4).AsUInt64(), hi01 = (Avx512BW.ShiftRightLogical(q01.AsUInt16(), 4).AsByte() & m4).AsUInt64();
            Vector512<ulong> lo23 = (q23 & m4).AsUInt64(), hi23 = (Avx512BW.ShiftRightLogical(q23.AsUInt16(), 4).AsByte() & m4).AsUInt64();
            sbyte* x = a->Qs;
            // 128-bit lanes [lo 0, lo 1, hi 0, hi 1] (runs 0 and 2) and [lo 2, lo 3, hi 2, hi 3] (runs 1 and 3).
            Vector512<int> isum = Run(Avx512F.Shuffle4x128(lo01, hi01, 0x44), x, Avx512BW.Shuffle(scales, run0).AsInt16())
                                + Run(Avx512F.Shuffle4x128(lo01, hi01, 0xEE), x + 64, Avx512BW.Shuffle(scales, run1).AsInt16())
                                + Run(Avx512F.Shuffle4x128(lo23, hi23, 0x44), x + 128, Avx512BW.Shuffle(scales, run2).AsInt16())
                                + Run(Avx512F.Shuffle4x128(lo23, hi23, 0xEE), x + 192, Avx512BW.Shuffle(scales, run3).AsInt16());
            float da = a->D;
            m = Fma.MultiplyAdd(Sse2.ConvertToVector128Single(Nibbles.MinTerm(pairs[b], mn)), Vector128.Create(-(da * Fp16.HalfToSingle(w->DMin))), m);
            c = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum.GetLower() + isum.GetUpper()), Vector256.Create(da * Fp16.HalfToSingle(w->D)), c);
        }
        return Nibbles.Sum(c) + Nibbles.Sum(m);
    }

    /// <summary>64 unsigned nibble values times activations x, pair sums times their sub-block's scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Run(Vector512<ulong> q, sbyte* x, Vector512<short> scales) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q.AsByte(), Vector512.Load(x)), scales);

    private static Vector512<byte> RunScales(int j)
    {
        var index = new byte[64];
        for (int i = 0; i < 64; i++) index[i] = i % 2 == 1 ? (byte)0x80 : (byte)(2 * j + i / 32);
        return Vector512.Create(index);
    }
}
