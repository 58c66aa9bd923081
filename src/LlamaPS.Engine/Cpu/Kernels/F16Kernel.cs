using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>f16 weights with activations rounded to f16 (ggml's vec_dot_f16), products summed in f32.</summary>
internal sealed unsafe class F16Kernel : WeightKernel
{
    private const int Chunk = 256;

    public override GgmlType Type => GgmlType.F16;
    public override ActivationFormat Activation => ActivationFormat.F16Rounded;
    // TensorPrimitives picks the widest vectors the CPU has (Vector128 upwards).
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

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

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (FloatTile<Weights>.TileRows, FloatTile<Weights>.TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path) =>
        FloatTile<Weights>.Tile(row, rowStride, activations, activationStride, n, y, yStride);

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
