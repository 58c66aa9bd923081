namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A float weight type (F32, F16, BF16): on AVX2 its products are <see cref="FloatTile{TWeights}"/>'s, which reads
/// the rows as <typeparamref name="TWeights"/> says; the portable path (Vector128) is the type's own.
/// </summary>
internal abstract unsafe class FloatKernel<TWeights> : WeightKernel where TWeights : struct, IFloatWeights
{
    public sealed override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2];

    public sealed override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => FloatTile<TWeights>.Dot(row, activations, n),
        SimdPath.Vector128 => Vector128Dot(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public sealed override void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows, SimdPath path)
    {
        if (path >= SimdPath.Avx2) FloatTile<TWeights>.DotRows(row, rowStride, activations, n, y, rows);
        else base.DotRows(row, rowStride, activations, n, y, rows, path);
    }

    /// <summary>The portable path (ARM64 and others), at the widest vectors the CPU has.</summary>
    protected abstract float Vector128Dot(byte* row, byte* activations, int n);

    public sealed override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (FloatTile<TWeights>.TileRows, FloatTile<TWeights>.TileTokens) : (1, 1);

    protected sealed override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path) =>
        FloatTile<TWeights>.Tile(row, rowStride, activations, activationStride, n, y, yStride);
}
