using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q8_0 weights with Q8_0 activations: per block, d_w * d_a * sum(q_w * q_a) in integers.</summary>
internal sealed unsafe class Q8_0Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q8_0;
    public override ActivationFormat Activation => ActivationFormat.Q8_0;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ8_0.DequantizeRow(new ReadOnlySpan<BlockQ8_0>(row, dst.Length / BlockQ8_0.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n)
    {
        var w = (BlockQ8_0*)row;
        var a = (BlockQ8_0*)activations;
        int nb = n / BlockQ8_0.Elements;
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (int b = 0; b < nb; b++)
            {
                Vector256<int> p = Int8Dot.MultiplyAdd(Vector256.Load(w[b].Qs), Vector256.Load(a[b].Qs));
                float d = Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D);
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(d), acc);
            }
            return Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (int b = 0; b < nb; b++)
            {
                Vector128<int> p = Int8Dot.MultiplyAdd(Vector128.Load(w[b].Qs), Vector128.Load(a[b].Qs))
                                 + Int8Dot.MultiplyAdd(Vector128.Load(w[b].Qs + 16), Vector128.Load(a[b].Qs + 16));
                float d = Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D);
                acc += Vector128.ConvertToSingle(p) * d;
            }
            return Vector128.Sum(acc);
        }
        return DotScalar(row, activations, n);
    }

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ8_0*)row;
        var a = (BlockQ8_0*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ8_0.Elements; b++)
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * Int8Dot.Scalar(w[b].Qs, a[b].Qs, BlockQ8_0.Elements);
        return sum;
    }
}
