using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q8_0 weights with Q8_0 activations: per block, d_w * d_a * sum(q_w * q_a) in integers. The activations come in
/// <see cref="ActivationFormat.Q8_0Pairs"/>, the layout <see cref="Q8_0Pair{TMultiplyAdd}"/> reads two blocks at a time.
/// </summary>
internal sealed unsafe class Q8_0Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q8_0;
    public override ActivationFormat Activation => ActivationFormat.Q8_0Pairs;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ8_0.DequantizeRow(new ReadOnlySpan<BlockQ8_0>(row, dst.Length / BlockQ8_0.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => SimdPaths.TakesAvxVnni(path) ? Q8_0PairsAvx2<Q8_0Pair<AvxVnniMultiplyAdd>>.Dot(row, activations, n) : Q8_0PairsAvx2<Q8_0Pair<Avx2MultiplyAdd>>.Dot(row, activations, n),
        SimdPath.Vector128 => Q8_0PairedDot<Block>.Vector128DotPairs(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens >= Q8_0PairsAvx2<Q8_0Pair<Avx2MultiplyAdd>>.TileTokens ? (Q8_0PairsAvx2<Q8_0Pair<Avx2MultiplyAdd>>.TileRows, Q8_0PairsAvx2<Q8_0Pair<Avx2MultiplyAdd>>.TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) Q8_0PairsAvx2<Q8_0Pair<AvxVnniMultiplyAdd>>.Gemm2x8(row, rowStride, activations, activationStride, n, y, yStride);
        else Q8_0PairsAvx2<Q8_0Pair<Avx2MultiplyAdd>>.Gemm2x8(row, rowStride, activations, activationStride, n, y, yStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ8_0*)row;
        float sum = 0;
        for (int b = 0; b < n / BlockQ8_0.Elements; b++)
        {
            int isum = 0;
            for (int i = 0; i < BlockQ8_0.Elements; i++) isum += w[b].Qs[i] * Q8_0Pairs.Value(activations, b, i);
            sum += Fp16.HalfToSingle(w[b].D) * Q8_0Pairs.Scale(activations, b) * isum;
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_0PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_0PairedBlock
    {
        public static int BlockBytes => BlockQ8_0.Bytes;
        public static Vector256<sbyte> Unpack256(byte* block) => Vector256.Load((sbyte*)(block + 2));
        public static (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack128(byte* block) =>
            (Vector128.Load((sbyte*)(block + 2)), Vector128.Load((sbyte*)(block + 18)));
    }
}
