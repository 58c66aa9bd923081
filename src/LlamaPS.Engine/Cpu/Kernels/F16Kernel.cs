using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>f16 weights with activations rounded to f16 (ggml's vec_dot_f16), products summed in f32.</summary>
internal sealed unsafe class F16Kernel : FloatKernel<F16Kernel.Weights>
{
    private const int Chunk = 256;

    public override GgmlType Type => GgmlType.F16;
    public override ActivationFormat Activation => ActivationFormat.F16Rounded;

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) =>
        path == SimdPath.Scalar ? DotScalar(row, activations, n) : DotVector(row, activations, n);

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(row, dst.Length), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotVector(byte* row, byte* activations, int n)
    {
        Span<float> w = stackalloc float[Chunk];
        float sum = 0;
        for (int i = 0; i < n; i += Chunk)
        {
            int len = Math.Min(Chunk, n - i);
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(row + 2 * i, len), w);
            sum += TensorPrimitives.Dot(w[..len], new ReadOnlySpan<float>(activations + 4 * i, len));
        }
        return sum;
    }

    public override float DotScalar(byte* row, byte* activations, int n)
    {
        ushort* w = (ushort*)row;
        float* a = (float*)activations;
        float sum = 0;
        for (int i = 0; i < n; i++) sum += Fp16.HalfToSingle(w[i]) * a[i];
        return sum;
    }

    /// <summary>The rows as <see cref="FloatTile{TWeights}"/> reads them: widened exactly by <see cref="HalfToSingle"/>.</summary>
    internal readonly struct Weights : IFloatWeights
    {
        public static int ElementBytes => 2;

        public static float* Widen(byte* row, float* scratch, int n)
        {
            HalfToSingle.Convert((ushort*)row, n, scratch, n, 1);
            return scratch;
        }
    }
}
