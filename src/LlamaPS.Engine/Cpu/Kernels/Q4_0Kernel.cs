using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q4_0 weights with Q8_0 activations: nibbles widened to int8 (minus 8), then integer products per block.</summary>
internal sealed unsafe class Q4_0Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q4_0;
    public override ActivationFormat Activation => ActivationFormat.Q8_0;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ4_0.DequantizeRow(new ReadOnlySpan<BlockQ4_0>(row, dst.Length / BlockQ4_0.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_0*)row;
        var a = (BlockQ8_0*)activations;
        int nb = n / BlockQ4_0.Elements;
        Vector128<byte> low = Vector128.Create((byte)0x0F);
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (int b = 0; b < nb; b++)
            {
                // Low nibbles are elements 0-15, high nibbles 16-31: exactly the two 128-bit halves.
                Vector128<byte> q = Vector128.Load(w[b].Qs);
                Vector256<sbyte> wq = (Vector256.Create(q & low, Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & low)
                                      - Vector256.Create((byte)8)).AsSByte();
                Vector256<int> p = Int8Dot.MultiplyAdd(wq, Vector256.Load(a[b].Qs));
                float d = Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D);
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p), Vector256.Create(d), acc);
            }
            return Vector256.Sum(acc);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            Vector128<byte> eight = Vector128.Create((byte)8);
            for (int b = 0; b < nb; b++)
            {
                Vector128<byte> q = Vector128.Load(w[b].Qs);
                Vector128<sbyte> lo = ((q & low) - eight).AsSByte();
                Vector128<sbyte> hi = ((Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & low) - eight).AsSByte();
                Vector128<int> p = Int8Dot.MultiplyAdd(lo, Vector128.Load(a[b].Qs)) + Int8Dot.MultiplyAdd(hi, Vector128.Load(a[b].Qs + 16));
                float d = Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D);
                acc += Vector128.ConvertToSingle(p) * d;
            }
            return Vector128.Sum(acc);
        }
        return DotScalar(row, activations, n);
    }

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_0*)row;
        var a = (BlockQ8_0*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ4_0.Elements; b++)
        {
            int isum = 0;
            for (int j = 0; j < 16; j++)
                isum += ((w[b].Qs[j] & 0x0F) - 8) * a[b].Qs[j] + ((w[b].Qs[j] >> 4) - 8) * a[b].Qs[j + 16];
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * isum;
        }
        return sum;
    }
}
