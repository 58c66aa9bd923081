using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>f32 weights with f32 activations.</summary>
internal sealed unsafe class F32Kernel : FloatKernel<F32Kernel.Weights>
{
    public override GgmlType Type => GgmlType.F32;
    public override ActivationFormat Activation => ActivationFormat.F32;

    public override void DequantizeRow(byte* row, Span<float> dst) => new ReadOnlySpan<float>(row, dst.Length).CopyTo(dst);

    protected override float Vector128Dot(byte* row, byte* activations, int n) =>
        TensorPrimitives.Dot(new ReadOnlySpan<float>(row, n), new ReadOnlySpan<float>(activations, n));

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        float* w = (float*)row, a = (float*)activations;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += w[i] * a[i];
        return sum;
    }

    /// <summary>The rows as <see cref="FloatTile{TWeights}"/> reads them: already f32.</summary>
    internal readonly struct Weights : IFloatWeights
    {
        public static Vector256<float> Eight(byte* row, int k) => Vector256.Load((float*)row + k);
        public static float One(byte* row, int k) => ((float*)row)[k];
    }
}
