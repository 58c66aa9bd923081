namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// A quantized weight type whose vector paths come from a shared family (<typeparamref name="TDot"/>): the type
/// itself gives its format (dequantization) and its scalar reference. Its AVX2 and AVX-VNNI paths are one body each,
/// told apart by the <see cref="IInt8MultiplyAdd"/> type argument; AVX-512 takes the AVX-VNNI code where the CPU has
/// it (<see cref="SimdPaths.TakesAvxVnni"/>), else AVX2's.
/// </summary>
internal abstract unsafe class QuantizedKernel<TDot> : WeightKernel where TDot : struct, IQuantizedDot
{
    public sealed override ActivationFormat Activation => TDot.Activation;
    public sealed override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni];

    public sealed override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => SimdPaths.TakesAvxVnni(path) ? TDot.Dot<AvxVnniMultiplyAdd>(row, activations, n) : TDot.Dot<Avx2MultiplyAdd>(row, activations, n),
        SimdPath.Vector128 => TDot.Vector128Dot(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public sealed override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (TDot.TileRows, TDot.TileTokens) : (1, 1);

    protected sealed override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) TDot.Tile<AvxVnniMultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
        else TDot.Tile<Avx2MultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
    }
}
