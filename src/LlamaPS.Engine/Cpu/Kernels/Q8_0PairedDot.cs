using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Dot products and GEMM tiles of 32-value weight blocks (<typeparamref name="TBlock"/>) with Q8_0 activations:
/// per block, d_w * d_a * sum(q_w * q_a) with the integer sum in vector registers.
/// The tile takes 2 weight rows by 4 tokens: each weight block is unpacked once for 4 tokens and each activation
/// block loaded once for 2 rows, with the 8 sums kept in registers (tinyBLAS's register blocking). The 256-bit
/// code is AVX2's or AVX-VNNI's by its <see cref="IInt8MultiplyAdd"/> type argument.
/// </summary>
internal readonly unsafe struct Q8_0PairedDot<TBlock> : IQuantizedDot where TBlock : IQ8_0PairedBlock
{
    public static ActivationFormat Activation => ActivationFormat.Q8_0;
    public static int TileRows => 2;
    public static int TileTokens => 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TMultiplyAdd>(byte* w, byte* a, int n) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<float> acc = Vector256<float>.Zero;
        for (int b = 0; b < n / 32; b++)
        {
            byte* wb = w + b * TBlock.BlockBytes, ab = a + b * BlockQ8_0.Bytes;
            Vector256<int> p = Int8Dot.MultiplyAdd<TMultiplyAdd>(TBlock.Unpack256(wb), Vector256.Load((sbyte*)(ab + 2)));
            float d = Fp16.HalfToSingle(*(ushort*)wb) * Fp16.HalfToSingle(*(ushort*)ab);
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(d), acc);
        }
        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Vector128Dot(byte* w, byte* a, int n)
    {
        Vector128<float> acc = Vector128<float>.Zero;
        for (int b = 0; b < n / 32; b++)
        {
            byte* wb = w + b * TBlock.BlockBytes, ab = a + b * BlockQ8_0.Bytes;
            var (lo, hi) = TBlock.Unpack128(wb);
            Vector128<int> p = Int8Dot.MultiplyAdd(lo, Vector128.Load((sbyte*)(ab + 2))) + Int8Dot.MultiplyAdd(hi, Vector128.Load((sbyte*)(ab + 18)));
            float d = Fp16.HalfToSingle(*(ushort*)wb) * Fp16.HalfToSingle(*(ushort*)ab);
            acc += Vector128.ConvertToSingle(p) * d;
        }
        return Vector128.Sum(acc);
    }

    /// <summary>The portable path against <see cref="ActivationFormat.Q8_0Pairs"/> activations (each block's halves sit in its pair's Low and High runs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Vector128DotPairs(byte* w, byte* a, int n)
    {
        Vector128<float> acc = Vector128<float>.Zero;
        for (int b = 0; b < n / 32; b++)
        {
            byte* wb = w + b * TBlock.BlockBytes;
            byte* half = Q8_0Pairs.Pair(a, b / 2) + 16 * (b & 1);
            var (lo, hi) = TBlock.Unpack128(wb);
            Vector128<int> p = Int8Dot.MultiplyAdd(lo, Vector128.Load((sbyte*)(half + Q8_0Pairs.LowOffset))) + Int8Dot.MultiplyAdd(hi, Vector128.Load((sbyte*)(half + Q8_0Pairs.HighOffset)));
            acc += Vector128.ConvertToSingle(p) * (Fp16.HalfToSingle(*(ushort*)wb) * Q8_0Pairs.Scale(a, b));
        }
        return Vector128.Sum(acc);
    }

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TMultiplyAdd>(byte* w, long wStride, byte* a, long aStride, int n, float* y, long yStride) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        for (int b = 0; b < n / 32; b++)
        {
            byte* w0 = w + b * TBlock.BlockBytes, w1 = w0 + wStride;
            Vector256<sbyte> q0 = TBlock.Unpack256(w0), q1 = TBlock.Unpack256(w1);
            Vector256<byte> u0 = Avx2.Abs(q0), u1 = Avx2.Abs(q1);
            float d0 = Fp16.HalfToSingle(*(ushort*)w0), d1 = Fp16.HalfToSingle(*(ushort*)w1);
            byte* ab = a + b * BlockQ8_0.Bytes;
            Step<TMultiplyAdd>(ab, q0, u0, d0, q1, u1, d1, ref c00, ref c10);
            Step<TMultiplyAdd>(ab + aStride, q0, u0, d0, q1, u1, d1, ref c01, ref c11);
            Step<TMultiplyAdd>(ab + 2 * aStride, q0, u0, d0, q1, u1, d1, ref c02, ref c12);
            Step<TMultiplyAdd>(ab + 3 * aStride, q0, u0, d0, q1, u1, d1, ref c03, ref c13);
        }
        y[0] = Vector256.Sum(c00); y[1] = Vector256.Sum(c10);
        y[yStride] = Vector256.Sum(c01); y[yStride + 1] = Vector256.Sum(c11);
        y[2 * yStride] = Vector256.Sum(c02); y[2 * yStride + 1] = Vector256.Sum(c12);
        y[3 * yStride] = Vector256.Sum(c03); y[3 * yStride + 1] = Vector256.Sum(c13);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TMultiplyAdd>(byte* ab, Vector256<sbyte> q0, Vector256<byte> u0, float d0, Vector256<sbyte> q1, Vector256<byte> u1, float d1,
                             ref Vector256<float> c0, ref Vector256<float> c1) where TMultiplyAdd : struct, IInt8MultiplyAdd
    {
        Vector256<sbyte> x = Vector256.Load((sbyte*)(ab + 2));
        float da = Fp16.HalfToSingle(*(ushort*)ab);
        Vector256<int> p0 = TMultiplyAdd.Sum(u0, Avx2.Sign(x, q0));
        Vector256<int> p1 = TMultiplyAdd.Sum(u1, Avx2.Sign(x, q1));
        c0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(d0 * da), c0);
        c1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(d1 * da), c1);
    }
}
