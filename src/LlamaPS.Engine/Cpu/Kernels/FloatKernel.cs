namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A float weight type (F32, F16, BF16): its one-token product is the type's own, its prompt tile
/// <see cref="FloatTile{TWeights}"/>'s, which reads the rows as <typeparamref name="TWeights"/> says.
/// </summary>
internal abstract unsafe class FloatKernel<TWeights> : WeightKernel where TWeights : struct, IFloatWeights
{
    // The one-token products take TensorPrimitives or Vector<T>, the widest vectors the CPU has, on either path.
    public sealed override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public sealed override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (FloatTile<TWeights>.TileRows, FloatTile<TWeights>.TileTokens) : (1, 1);

    protected sealed override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path) =>
        FloatTile<TWeights>.Tile(row, rowStride, activations, activationStride, n, y, yStride);
}
