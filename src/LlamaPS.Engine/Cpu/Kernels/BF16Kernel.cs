using System.Numerics;
using System.Runtime.CompilerServices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>bf16 weights with activations rounded to bf16 (ggml's vec_dot_bf16), products summed in f32.</summary>
internal sealed unsafe class BF16Kernel : FloatKernel<BF16Kernel.Weights>
{
    public override GgmlType Type => GgmlType.BF16;
    public override ActivationFormat Activation => ActivationFormat.BF16Rounded;

    // One vector loop in Vector<T>, the hardware's width (256 bits with AVX2, 128 with NEON or SSE), serves both paths.
    public override float Dot(byte* row, byte* activations, int n, SimdPath path) =>
        path >= SimdPath.Vector128 ? DotVector(row, activations, n) : DotScalar(row, activations, n);

    public override void DequantizeRow(byte* row, Span<float> dst)
    {
        ushort* w = (ushort*)row;
        for (int i = 0; i < dst.Length; i++) dst[i] = Fp16.BFloat16ToSingle(w[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector(byte* row, byte* activations, int n)
    {
        ushort* w = (ushort*)row;
        float* a = (float*)activations;
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;
            for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count)
            {
                var (lo, hi) = ToSingle(Vector.Load(w + i));
                acc0 += lo * Vector.Load(a + i);
                acc1 += hi * Vector.Load(a + i + Vector<float>.Count);
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += Fp16.BFloat16ToSingle(w[i]) * a[i];
        return sum;
    }

    /// <summary>bf16 is the top half of an f32: widening and shifting left 16 bits is the exact conversion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Low, Vector<float> High) ToSingle(Vector<ushort> bits)
    {
        Vector.Widen(bits, out Vector<uint> lo, out Vector<uint> hi);
        return (Vector.AsVectorSingle(Vector.ShiftLeft(lo, 16)), Vector.AsVectorSingle(Vector.ShiftLeft(hi, 16)));
    }

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        ushort* w = (ushort*)row;
        float* a = (float*)activations;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += Fp16.BFloat16ToSingle(w[i]) * a[i];
        return sum;
    }

    /// <summary>The rows as <see cref="FloatTile{TWeights}"/> reads them: bf16 is the top half of an f32.</summary>
    internal readonly struct Weights : IFloatWeights
    {
        public static int ElementBytes => 2;

        public static float* Widen(byte* row, float* scratch, int n)
        {
            ushort* w = (ushort*)row;
            int i = 0;
            for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count)
            {
                var (lo, hi) = ToSingle(Vector.Load(w + i));
                lo.Store(scratch + i);
                hi.Store(scratch + i + Vector<float>.Count);
            }
            for (; i < n; i++) scratch[i] = Fp16.BFloat16ToSingle(w[i]);
            return scratch;
        }
    }
}
