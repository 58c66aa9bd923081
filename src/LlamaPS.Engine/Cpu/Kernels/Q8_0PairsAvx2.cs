using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// AVX2 dot product and 2-row x 8-token GEMM tile for blocks taken two at a time against
/// <see cref="ActivationFormat.Q8_0Pairs"/> activations (see <see cref="IQ8_0PairsBlock"/>): the activations come
/// pre-arranged, so each step is plain loads, the block type's products, and one multiply-add with the scales.
/// A row with an odd block count pairs its last block with a zero block (scale 0), so no load reaches past the row.
/// One token reads one row at a time (sequential streams prefetch best), asking for the weights ahead
/// (<see cref="WeightPrefetch"/>); the tile shares each unpacked weight pair between 8 tokens and each activation
/// load between 2 rows.
/// </summary>
internal static unsafe class Q8_0PairsAvx2<TBlock> where TBlock : struct, IQ8_0PairsBlock
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* w, byte* a, int n)
    {
        int nb = n / 32;
        // Two accumulators, a group of 8 blocks a step: the multiply-adds of consecutive pairs need not wait for each
        // other. Pointers step instead of block indices: the loop is short, and index arithmetic was a fifth of it.
        // The blocks after the last whole group go first, so that no call follows the loop (the register allocator
        // would spill the pointers and sums inside it).
        byte* end = w + (nb & ~7) * TBlock.BlockBytes;
        Vector256<float> c0 = (nb & 7) == 0 ? default : Rest(end, a + (nb >> 3) * Q8_0Pairs.GroupBytes, nb & 7), c1 = default;
        for (; w < end; w += 8 * TBlock.BlockBytes, a += Q8_0Pairs.GroupBytes)
        {
            // Two calls of 4 blocks' bytes each, short enough for the JIT to unroll.
            WeightPrefetch.Ahead(w, 4 * TBlock.BlockBytes);
            WeightPrefetch.Ahead(w + 4 * TBlock.BlockBytes, 4 * TBlock.BlockBytes);
            c0 = Step(w, w + TBlock.BlockBytes, a, c0);
            c1 = Step(w + 2 * TBlock.BlockBytes, w + 3 * TBlock.BlockBytes, a + 32, c1);
            c0 = Step(w + 4 * TBlock.BlockBytes, w + 5 * TBlock.BlockBytes, a + 64, c0);
            c1 = Step(w + 6 * TBlock.BlockBytes, w + 7 * TBlock.BlockBytes, a + 96, c1);
        }
        return Vector256.Sum(c0 + c1);
    }

    /// <summary>
    /// The last <paramref name="blocks"/> (1 to 7) of a row, pair by pair from the group at <paramref name="a"/>:
    /// an odd last block pairs with a zero block (its activations are zero too), so no load reaches past the row.
    /// Kept out of line, and called only where a row has such blocks: most rows have none.
    /// </summary>
    internal static Vector256<float> Rest(byte* w, byte* a, int blocks)
    {
        Vector256<float> c = default;
        byte* zero = stackalloc byte[TBlock.BlockBytes];
        for (int left = blocks; left > 0; left -= 2, w += 2 * TBlock.BlockBytes, a += 32)
            c = Step(w, left > 1 ? w + TBlock.BlockBytes : zero, a, c);
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Step(byte* first, byte* second, byte* pair, Vector256<float> c) =>
        Fma.MultiplyAdd(TBlock.Products(TBlock.Load(first, second), pair), Scales(first, second) * ActivationScales(pair), c);

    public const int TileRows = 2, TileTokens = 8;

    /// <summary>y[t * yStride + r] for 2 rows and 8 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm2x8(byte* w, long rowStride, byte* a, long aStride, int n, float* y, long yStride)
    {
        int nb = n / 32;
        byte* zero = stackalloc byte[TBlock.BlockBytes];
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default, c04 = default, c05 = default, c06 = default, c07 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        for (int b = 0; b < nb; b += 2)
        {
            byte* w0 = w + b * TBlock.BlockBytes, w1 = w0 + rowStride;
            bool full = b + 1 < nb;
            byte* second0 = full ? w0 + TBlock.BlockBytes : zero, second1 = full ? w1 + TBlock.BlockBytes : zero;
            WeightPair q0 = TBlock.Load(w0, second0), q1 = TBlock.Load(w1, second1);
            Vector256<float> s0 = Scales(w0, second0), s1 = Scales(w1, second1);
            byte* pair = Q8_0Pairs.Pair(a, b / 2);
            Token(pair, q0, s0, q1, s1, ref c00, ref c10);
            Token(pair + aStride, q0, s0, q1, s1, ref c01, ref c11);
            Token(pair + 2 * aStride, q0, s0, q1, s1, ref c02, ref c12);
            Token(pair + 3 * aStride, q0, s0, q1, s1, ref c03, ref c13);
            Token(pair + 4 * aStride, q0, s0, q1, s1, ref c04, ref c14);
            Token(pair + 5 * aStride, q0, s0, q1, s1, ref c05, ref c15);
            Token(pair + 6 * aStride, q0, s0, q1, s1, ref c06, ref c16);
            Token(pair + 7 * aStride, q0, s0, q1, s1, ref c07, ref c17);
        }
        y[0] = Vector256.Sum(c00); y[1] = Vector256.Sum(c10);
        y[yStride] = Vector256.Sum(c01); y[yStride + 1] = Vector256.Sum(c11);
        y[2 * yStride] = Vector256.Sum(c02); y[2 * yStride + 1] = Vector256.Sum(c12);
        y[3 * yStride] = Vector256.Sum(c03); y[3 * yStride + 1] = Vector256.Sum(c13);
        y[4 * yStride] = Vector256.Sum(c04); y[4 * yStride + 1] = Vector256.Sum(c14);
        y[5 * yStride] = Vector256.Sum(c05); y[5 * yStride + 1] = Vector256.Sum(c15);
        y[6 * yStride] = Vector256.Sum(c06); y[6 * yStride + 1] = Vector256.Sum(c16);
        y[7 * yStride] = Vector256.Sum(c07); y[7 * yStride + 1] = Vector256.Sum(c17);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Token(byte* pair, in WeightPair q0, Vector256<float> s0, in WeightPair q1, Vector256<float> s1, ref Vector256<float> c0, ref Vector256<float> c1)
    {
        Vector256<float> da = ActivationScales(pair);
        c0 = Fma.MultiplyAdd(TBlock.Products(q0, pair), s0 * da, c0);
        c1 = Fma.MultiplyAdd(TBlock.Products(q1, pair), s1 * da, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ActivationScales(byte* pair) => Vector256.Load((float*)(pair + Q8_0Pairs.ScaleOffset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scales(byte* first, byte* second) =>
        Vector256.Create(Vector128.Create(Fp16.HalfToSingle(*(ushort*)first)), Vector128.Create(Fp16.HalfToSingle(*(ushort*)second)));
}
