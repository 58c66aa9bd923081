using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>bf16 weights with activations rounded to bf16 (ggml's vec_dot_bf16), products summed in f32.</summary>
internal sealed unsafe class BF16Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.BF16;
    public override ActivationFormat Activation => ActivationFormat.BF16Rounded;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Avx2];

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) =>
        path >= SimdPath.Avx2 ? DotVector(row, activations, n) : DotScalar(row, activations, n);

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
        {
            // bf16 is the top half of an f32: widening and shifting left 16 bits is the exact conversion.
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<ushort> bits = Vector256.Load(w + i);
                Vector256<float> lo = Vector256.ShiftLeft(Vector256.WidenLower(bits), 16).AsSingle();
                Vector256<float> hi = Vector256.ShiftLeft(Vector256.WidenUpper(bits), 16).AsSingle();
                acc0 += lo * Vector256.Load(a + i);
                acc1 += hi * Vector256.Load(a + i + 8);
            }
            sum = Vector256.Sum(acc0 + acc1);
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
