using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_K's one-token dot product on AVX-512 (BW), the expression of <see cref="Q4_KKernel"/> 64 values a register:
/// each 64-byte load of nibbles holds sub-blocks 4h, 4h+2 in its low nibbles and 4h+1, 4h+3 in its high ones, which
/// is how <see cref="ActivationFormat.Q8_KNibbleOrder"/> lays out the activations, so both meet with plain loads and
/// one vpermw spreads the two sub-blocks' scales over a register's 32 pair sums. Zen 4 splits 512-bit operations,
/// so the operations are as many as on AVX2 at half the instructions; the gain is the front end's. The two halves of
/// the integer sums are added before they become floats: each int32 lane then sums the products AVX2's lane sums,
/// and the f32 steps are AVX2's (ggml's), so the result is the AVX2 path's to the bit.
/// </summary>
internal static unsafe class Q4_KAvx512
{
    // Scale lanes for the 4 nibble registers of a block: sub-blocks (0, 2), (1, 3), (4, 6), (5, 7), 16 lanes each.
    private static readonly Vector512<short> Low0 = SubBlocks(0, 2), High0 = SubBlocks(1, 3), Low1 = SubBlocks(4, 6), High1 = SubBlocks(5, 7);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_K*)row;
        var a = (BlockQ8_K*)activations;
        Vector512<short> low0 = Low0, high0 = High0, low1 = Low1, high1 = High1;
        Vector256<float> c = default;
        Vector128<float> m = default;
        for (int b = 0; b < n / BlockQ4_K.Elements; b++, w++, a++)
        {
            WeightPrefetch.Ahead((byte*)w, BlockQ4_K.Bytes);
            var (sc, mn) = BlockQ4_K.ScalesAndMins(w->Scales);
            Vector512<short> scales = Sse41.ConvertToVector128Int16(Vector128.CreateScalar(sc).AsByte()).ToVector256Unsafe().ToVector512Unsafe();
            sbyte* x = a->Qs;
            Vector512<int> isum = Half(Vector512.Load(w->Qs), x, scales, low0, high0) + Half(Vector512.Load(w->Qs + 64), x + 128, scales, low1, high1);
            float da = a->D;
            m = Fma.MultiplyAdd(Sse2.ConvertToVector128Single(Nibbles.MinTerm(a->BSums, mn)), Vector128.Create(-(da * Fp16.HalfToSingle(w->DMin))), m);
            c = Fma.MultiplyAdd(Avx.ConvertToVector256Single(isum.GetLower() + isum.GetUpper()), Vector256.Create(da * Fp16.HalfToSingle(w->D)), c);
        }
        return Nibbles.Sum(c) + Nibbles.Sum(m);
    }

    /// <summary>64 nibble bytes (half a block) times their 128 activations, each sub-block's pair sums times its scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Half(Vector512<byte> q, sbyte* x, Vector512<short> scales, Vector512<short> low, Vector512<short> high)
    {
        Vector512<byte> m4 = Vector512.Create((byte)0x0F);
        // Each 16-bit pair sum is at most 2 * 15 * 128, far from saturating.
        return Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(q & m4, Vector512.Load(x)), Avx512BW.PermuteVar32x16(scales, low))
             + Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(Avx512BW.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4, Vector512.Load(x + 64)),
                                            Avx512BW.PermuteVar32x16(scales, high));
    }

    private static Vector512<short> SubBlocks(int first, int second) => Vector512.Create(Vector256.Create((short)first), Vector256.Create((short)second));
}
