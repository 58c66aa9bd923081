using System.Numerics.Tensors;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>f32 weights with f32 activations.</summary>
internal sealed unsafe class F32Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.F32;
    public override ActivationFormat Activation => ActivationFormat.F32;
    // TensorPrimitives picks the widest vectors the CPU has (Vector128 upwards).
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

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

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (FloatTile<Weights>.TileRows, FloatTile<Weights>.TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path) =>
        FloatTile<Weights>.Tile(row, rowStride, activations, activationStride, n, y, yStride);

    /// <summary>The rows as <see cref="FloatTile{TWeights}"/> reads them: already f32.</summary>
    internal readonly struct Weights : IFloatWeights
    {
        public static int ElementBytes => 4;
        public static float* Widen(byte* row, float* scratch, int n) => (float*)row;
    }
}
