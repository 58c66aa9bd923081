using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Dot products and GEMM tiles of super-blocks taken as runs (<typeparamref name="TBlock"/>) with Q8_K activations,
/// on AVX2 or AVX-VNNI by the <see cref="IInt8MultiplyAdd"/> type argument. The tile takes 2 weight rows by 4 tokens:
/// each super-block is prepared and each run unpacked once for 4 tokens, each activation run loaded once for both
/// rows, and the 8 integer sums stay in registers; each (row, token) then takes the one-token product's f32 steps, so
/// a tile's results are the one-token products' to the bit.
/// </summary>
internal readonly unsafe struct Q8_KRunsDot<TBlock> : IQuantizedDot where TBlock : struct, IQ8_KRunBlock<TBlock>
{
    public static ActivationFormat Activation => ActivationFormat.Q8_K;
    public static int TileRows => 2;
    public static int TileTokens => 4;

    public static float Vector128Dot(byte* row, byte* activations, int n) => TBlock.Vector128Dot(row, activations, n);

    // Never inlined into its caller: tiered compilation inlined it into WeightKernel.DotRows, ran out of inlining
    // budget there and left each super-block's Finish a call (Q5_K generation 37 -> 31 t/s).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TMultiplyAdd>(byte* row, byte* activations, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        var a = (BlockQ8_K*)activations;
        Vector256<float> acc = default;
        float rest = 0;
        for (int b = 0; b < n / BlockQ8_K.Elements; b++, a++)
        {
            byte* block = row + b * TBlock.BlockBytes;
            TBlock w = TBlock.Prepare(block);
            // The runs one by one with constant indices: inlined, each run's shifts and picks fold to constants.
            Vector256<int> isum = RunProducts<TMultiplyAdd>(w, a->Qs, 0, default);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 1, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 2, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 3, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 4, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 5, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 6, isum);
            isum = RunProducts<TMultiplyAdd>(w, a->Qs, 7, isum);
            w.Finish(a, isum, ref acc, ref rest);
        }
        return TBlock.Result(acc, rest);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RunProducts<TMultiplyAdd>(in TBlock w, sbyte* x, int r, Vector256<int> acc) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<byte> u = w.Run(r, out Vector256<short> scales);
        return Add<TMultiplyAdd>(acc, u, Vector256.Load(x + 32 * r), scales);
    }

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TMultiplyAdd>(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        // Per token t: row 0's f32 sums in acc[2t], rest[2t]; row 1's in acc[2t + 1], rest[2t + 1].
        Vector256<float>* acc = stackalloc Vector256<float>[TileRows * TileTokens];
        float* rest = stackalloc float[TileRows * TileTokens];
        for (int i = 0; i < TileRows * TileTokens; i++) { acc[i] = default; rest[i] = 0; }
        for (int b = 0; b < n / BlockQ8_K.Elements; b++)
        {
            TBlock w0 = TBlock.Prepare(row + b * TBlock.BlockBytes), w1 = TBlock.Prepare(row + rowStride + b * TBlock.BlockBytes);
            byte* a = activations + b * BlockQ8_K.Bytes;
            Vector256<int> i00 = default, i01 = default, i02 = default, i03 = default;
            Vector256<int> i10 = default, i11 = default, i12 = default, i13 = default;
            sbyte* x = ((BlockQ8_K*)a)->Qs;
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 0, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 1, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 2, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 3, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 4, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 5, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 6, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            TileRun<TMultiplyAdd>(w0, w1, x, aStride, 7, ref i00, ref i01, ref i02, ref i03, ref i10, ref i11, ref i12, ref i13);
            w0.Finish((BlockQ8_K*)a, i00, ref acc[0], ref rest[0]); w1.Finish((BlockQ8_K*)a, i10, ref acc[1], ref rest[1]);
            w0.Finish((BlockQ8_K*)(a + aStride), i01, ref acc[2], ref rest[2]); w1.Finish((BlockQ8_K*)(a + aStride), i11, ref acc[3], ref rest[3]);
            w0.Finish((BlockQ8_K*)(a + 2 * aStride), i02, ref acc[4], ref rest[4]); w1.Finish((BlockQ8_K*)(a + 2 * aStride), i12, ref acc[5], ref rest[5]);
            w0.Finish((BlockQ8_K*)(a + 3 * aStride), i03, ref acc[6], ref rest[6]); w1.Finish((BlockQ8_K*)(a + 3 * aStride), i13, ref acc[7], ref rest[7]);
        }
        for (int t = 0; t < TileTokens; t++)
        {
            y[t * yStride] = TBlock.Result(acc[2 * t], rest[2 * t]);
            y[t * yStride + 1] = TBlock.Result(acc[2 * t + 1], rest[2 * t + 1]);
        }
    }

    /// <summary>Run r of both rows, unpacked once, times the 4 tokens' activations (x: token 0's super-block values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileRun<TMultiplyAdd>(in TBlock w0, in TBlock w1, sbyte* x, long aStride, int r,
                                              ref Vector256<int> i00, ref Vector256<int> i01, ref Vector256<int> i02, ref Vector256<int> i03,
                                              ref Vector256<int> i10, ref Vector256<int> i11, ref Vector256<int> i12, ref Vector256<int> i13) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<byte> u0 = w0.Run(r, out Vector256<short> s0), u1 = w1.Run(r, out Vector256<short> s1);
        x += 32 * r;
        Step<TMultiplyAdd>(x, u0, s0, u1, s1, ref i00, ref i10);
        Step<TMultiplyAdd>(x + aStride, u0, s0, u1, s1, ref i01, ref i11);
        Step<TMultiplyAdd>(x + 2 * aStride, u0, s0, u1, s1, ref i02, ref i12);
        Step<TMultiplyAdd>(x + 3 * aStride, u0, s0, u1, s1, ref i03, ref i13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMultiplyAdd>(sbyte* x, Vector256<byte> u0, Vector256<short> s0, Vector256<byte> u1, Vector256<short> s1,
                                           ref Vector256<int> i0, ref Vector256<int> i1) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<sbyte> v = Vector256.Load(x);
        i0 = Add<TMultiplyAdd>(i0, u0, v, s0);
        i1 = Add<TMultiplyAdd>(i1, u1, v, s1);
    }

    /// <summary>acc + a run's scaled products: signed weights through the sign trick (|w| times x carrying w's sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Add<TMultiplyAdd>(Vector256<int> acc, Vector256<byte> w, Vector256<sbyte> x, Vector256<short> scales) where TMultiplyAdd : struct, IInt8MultiplyAdd =>
        TBlock.Signed ? Int8Dot.MultiplyAddScaled<TMultiplyAdd>(acc, w.AsSByte(), x, scales) : TMultiplyAdd.AddScaled(acc, w, x, scales);
}
