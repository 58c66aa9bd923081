using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Dot products and GEMM tiles of "scale plus min" weight blocks (<typeparamref name="TBlock"/>) with Q8_1
/// activations: per block d_w * d_a * sum(q_w * q_a) + m_w * s_a, the integer sum in vector registers and the min
/// term summed apart, as ggml does. Unsigned weights need no sign trick: vpmaddubsw takes them as they are.
/// The tile is <see cref="Q8_0PairedDot{TBlock}"/>'s 2 rows by 4 tokens; the 256-bit code is AVX2's or AVX-VNNI's
/// by its <see cref="IInt8MultiplyAdd"/> type argument.
/// </summary>
internal readonly unsafe struct Q8_1PairedDot<TBlock> : IQuantizedDot where TBlock : IQ8_1PairedBlock
{
    public static ActivationFormat Activation => ActivationFormat.Q8_1;
    public static int TileRows => 2;
    public static int TileTokens => 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TMultiplyAdd>(byte* w, byte* a, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<float> acc = Vector256<float>.Zero;
        float mins = 0;
        for (int b = 0; b < n / 32; b++)
        {
            byte* wb = w + b * TBlock.BlockBytes, ab = a + b * BlockQ8_1.Bytes;
            Vector256<int> p = TMultiplyAdd.Sum(TBlock.Unpack256(wb), Vector256.Load((sbyte*)(ab + 4)));
            float d = Fp16.HalfToSingle(*(ushort*)wb) * Fp16.HalfToSingle(*(ushort*)ab);
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(d), acc);
            mins += Fp16.HalfToSingle(*(ushort*)(wb + 2)) * Fp16.HalfToSingle(*(ushort*)(ab + 2));
        }
        return Vector256.Sum(acc) + mins;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Vector128Dot(byte* w, byte* a, int n)
    {
        Vector128<float> acc = Vector128<float>.Zero;
        float mins = 0;
        for (int b = 0; b < n / 32; b++)
        {
            byte* wb = w + b * TBlock.BlockBytes, ab = a + b * BlockQ8_1.Bytes;
            var (lo, hi) = TBlock.Unpack128(wb);
            // Values below 128 read the same as signed bytes.
            Vector128<int> p = Int8Dot.MultiplyAdd(lo.AsSByte(), Vector128.Load((sbyte*)(ab + 4))) + Int8Dot.MultiplyAdd(hi.AsSByte(), Vector128.Load((sbyte*)(ab + 20)));
            float d = Fp16.HalfToSingle(*(ushort*)wb) * Fp16.HalfToSingle(*(ushort*)ab);
            acc += Vector128.ConvertToSingle(p) * d;
            mins += Fp16.HalfToSingle(*(ushort*)(wb + 2)) * Fp16.HalfToSingle(*(ushort*)(ab + 2));
        }
        return Vector128.Sum(acc) + mins;
    }

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TMultiplyAdd>(byte* w, long wStride, byte* a, long aStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        // Min terms: rows in the two halves of each token's vector, m0 * s_t and m1 * s_t.
        Vector128<float> m0 = default, m1 = default, m2 = default, m3 = default;
        for (int b = 0; b < n / 32; b++)
        {
            byte* w0 = w + b * TBlock.BlockBytes, w1 = w0 + wStride;
            Vector256<byte> u0 = TBlock.Unpack256(w0), u1 = TBlock.Unpack256(w1);
            float d0 = Fp16.HalfToSingle(*(ushort*)w0), d1 = Fp16.HalfToSingle(*(ushort*)w1);
            Vector128<float> mins = Vector128.Create(Fp16.HalfToSingle(*(ushort*)(w0 + 2)), Fp16.HalfToSingle(*(ushort*)(w1 + 2)), 0, 0);
            byte* ab = a + b * BlockQ8_1.Bytes;
            Step<TMultiplyAdd>(ab, u0, d0, u1, d1, mins, ref c00, ref c10, ref m0);
            Step<TMultiplyAdd>(ab + aStride, u0, d0, u1, d1, mins, ref c01, ref c11, ref m1);
            Step<TMultiplyAdd>(ab + 2 * aStride, u0, d0, u1, d1, mins, ref c02, ref c12, ref m2);
            Step<TMultiplyAdd>(ab + 3 * aStride, u0, d0, u1, d1, mins, ref c03, ref c13, ref m3);
        }
        y[0] = Vector256.Sum(c00) + m0[0]; y[1] = Vector256.Sum(c10) + m0[1];
        y[yStride] = Vector256.Sum(c01) + m1[0]; y[yStride + 1] = Vector256.Sum(c11) + m1[1];
        y[2 * yStride] = Vector256.Sum(c02) + m2[0]; y[2 * yStride + 1] = Vector256.Sum(c12) + m2[1];
        y[3 * yStride] = Vector256.Sum(c03) + m3[0]; y[3 * yStride + 1] = Vector256.Sum(c13) + m3[1];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMultiplyAdd>(byte* ab, Vector256<byte> u0, float d0, Vector256<byte> u1, float d1, Vector128<float> mins,
                             ref Vector256<float> c0, ref Vector256<float> c1, ref Vector128<float> m) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<sbyte> x = Vector256.Load((sbyte*)(ab + 4));
        float da = Fp16.HalfToSingle(*(ushort*)ab);
        c0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(TMultiplyAdd.Sum(u0, x)), Vector256.Create(d0 * da), c0);
        c1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(TMultiplyAdd.Sum(u1, x)), Vector256.Create(d1 * da), c1);
        m += mins * Fp16.HalfToSingle(*(ushort*)(ab + 2));
    }
}
