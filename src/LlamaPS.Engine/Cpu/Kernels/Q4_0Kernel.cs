using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0 weights with Q8_0 activations: per block d_w * d_a * sum((nibble - 8) * q_a) in integers. The activations
/// come in <see cref="ActivationFormat.Q8_0Pairs"/>, the layout <see cref="Q4_0Pair{TMultiplyAdd}"/> and <see cref="Q4_0Avx512"/>
/// read with plain loads. Many tokens take the AVX2 tile on the AVX-512 path too.
/// </summary>
internal sealed unsafe class Q4_0Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q4_0;
    public override ActivationFormat Activation => ActivationFormat.Q8_0Pairs;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni, SimdPath.Avx512];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ4_0.DequantizeRow(new ReadOnlySpan<BlockQ4_0>(row, dst.Length / BlockQ4_0.Elements), dst);

    public override void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows, SimdPath path)
    {
        if (path == SimdPath.Avx512) Q4_0Avx512.Dot(row, rowStride, activations, n, y, rows);
        else base.DotRows(row, rowStride, activations, n, y, rows, path);
    }

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        SimdPath.Avx512 => Q4_0Avx512.Dot(row, activations, n),
        SimdPath.AvxVnni => Q8_0PairsAvx2<Q4_0Pair<AvxVnniMultiplyAdd>>.Dot(row, activations, n),
        SimdPath.Avx2 => Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.Dot(row, activations, n),
        SimdPath.Vector128 => Q8_0PairedDot<Block>.Vector128DotPairs(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens >= Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.TileTokens ? (Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.TileRows, Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) Q8_0PairsAvx2<Q4_0Pair<AvxVnniMultiplyAdd>>.Gemm2x8(row, rowStride, activations, activationStride, n, y, yStride);
        else Q8_0PairsAvx2<Q4_0Pair<Avx2MultiplyAdd>>.Gemm2x8(row, rowStride, activations, activationStride, n, y, yStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_0*)row;
        float sum = 0;
        for (int b = 0; b < n / BlockQ4_0.Elements; b++)
        {
            int isum = 0;
            for (int j = 0; j < 16; j++)
                isum += ((w[b].Qs[j] & 0x0F) - 8) * Q8_0Pairs.Value(activations, b, j) + ((w[b].Qs[j] >> 4) - 8) * Q8_0Pairs.Value(activations, b, j + 16);
            sum += Fp16.HalfToSingle(w[b].D) * Q8_0Pairs.Scale(activations, b) * isum;
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_0PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_0PairedBlock
    {
        public static int BlockBytes => BlockQ4_0.Bytes;

        // Low nibbles are elements 0-15, high nibbles 16-31: exactly the two 128-bit halves.
        public static Vector256<sbyte> Unpack256(byte* block)
        {
            var (lo, hi) = Unpack128(block);
            return Vector256.Create(lo, hi);
        }

        public static (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack128(byte* block)
        {
            Vector128<byte> q = Vector128.Load(block + 2), mask = Vector128.Create((byte)0x0F), eight = Vector128.Create((byte)8);
            return (((q & mask) - eight).AsSByte(), ((Vector128.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & mask) - eight).AsSByte());
        }
    }
}
