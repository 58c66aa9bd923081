using System.Numerics;
using System.Runtime.CompilerServices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>bf16 weights with activations rounded to bf16 (ggml's vec_dot_bf16), products summed in f32.</summary>
internal sealed unsafe class BF16Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.BF16;
    public override ActivationFormat Activation => ActivationFormat.BF16Rounded;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

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
            // bf16 is the top half of an f32: widening and shifting left 16 bits is the exact conversion.
            Vector<float> acc0 = Vector<float>.Zero, acc1 = Vector<float>.Zero;
            for (; i + Vector<ushort>.Count <= n; i += Vector<ushort>.Count)
            {
                Vector.Widen(Vector.Load(w + i), out Vector<uint> lo, out Vector<uint> hi);
                acc0 += Vector.AsVectorSingle(Vector.ShiftLeft(lo, 16)) * Vector.Load(a + i);
                acc1 += Vector.AsVectorSingle(Vector.ShiftLeft(hi, 16)) * Vector.Load(a + i + Vector<float>.Count);
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) sum += Fp16.BFloat16ToSingle(w[i]) * a[i];
        return sum;
    }

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        ushort* w = (ushort*)row;
        float* a = (float*)activations;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += Fp16.BFloat16ToSingle(w[i]) * a[i];
        return sum;
    }
}
