using System.Runtime.Intrinsics;
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

    public override void DequantizeRow(byte* row, Span<float> dst)
    {
        ushort* w = (ushort*)row;
        for (int i = 0; i < dst.Length; i++) dst[i] = Fp16.BFloat16ToSingle(w[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override float Vector128Dot(byte* row, byte* activations, int n)
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
        public static Vector256<float> Eight(byte* row, int k) => Vector256.ShiftLeft(Vector256.WidenLower(Vector128.Load((ushort*)row + k).ToVector256Unsafe()), 16).AsSingle();
        public static float One(byte* row, int k) => Fp16.BFloat16ToSingle(((ushort*)row)[k]);
    }
}
