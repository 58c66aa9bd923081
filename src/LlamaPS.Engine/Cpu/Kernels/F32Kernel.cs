using System.Numerics.Tensors;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>f32 weights with f32 activations.</summary>
internal sealed unsafe class F32Kernel : FloatKernel<F32Kernel.Weights>
{
    public override GgmlType Type => GgmlType.F32;
    public override ActivationFormat Activation => ActivationFormat.F32;

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) =>
        path == SimdPath.Scalar ? DotScalar(row, activations, n) : DotVector(row, activations, n);

    public override void DequantizeRow(byte* row, Span<float> dst) => new ReadOnlySpan<float>(row, dst.Length).CopyTo(dst);

    private static float DotVector(byte* row, byte* activations, int n) =>
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
        public static int ElementBytes => 4;
        public static float* Widen(byte* row, float* scratch, int n) => (float*)row;
    }
}
