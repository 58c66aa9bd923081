using System.Runtime.Intrinsics;
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

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(row, dst.Length), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override float Vector128Dot(byte* row, byte* activations, int n)
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
        public static Vector256<float> Eight(byte* row, int k) => HalfToSingle.Eight((ushort*)row + k);
        public static float One(byte* row, int k) => Fp16.HalfToSingle(((ushort*)row)[k]);
    }
}
