using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q4_1 weights with Q8_1 activations: per block d_w * d_a * sum(nibble * q_a) + m_w * s_a, as ggml.</summary>
internal sealed unsafe class Q4_1Kernel : WeightKernel
{
    public override GgmlType Type => GgmlType.Q4_1;
    public override ActivationFormat Activation => ActivationFormat.Q8_1;
    public override IReadOnlyList<SimdPath> Paths { get; } = [SimdPath.Vector128, SimdPath.Avx2, SimdPath.AvxVnni];

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ4_1.DequantizeRow(new ReadOnlySpan<BlockQ4_1>(row, dst.Length / BlockQ4_1.Elements), dst);

    public override float Dot(byte* row, byte* activations, int n, SimdPath path) => path switch
    {
        >= SimdPath.Avx2 => SimdPaths.TakesAvxVnni(path) ? Q8_1PairedDot<Block>.Avx2Dot<AvxVnniMultiplyAdd>(row, activations, n) : Q8_1PairedDot<Block>.Avx2Dot<Avx2MultiplyAdd>(row, activations, n),
        SimdPath.Vector128 => Q8_1PairedDot<Block>.Vector128Dot(row, activations, n),
        _ => DotScalar(row, activations, n),
    };

    public override (int Rows, int Tokens) TileFor(SimdPath path, int tokens) =>
        path >= SimdPath.Avx2 && tokens > 1 ? (Q8_1PairedDot<Block>.TileRows, Q8_1PairedDot<Block>.TileTokens) : (1, 1);

    protected override void Tile(byte* row, long rowStride, byte* activations, long activationStride, int n, float* y, long yStride, SimdPath path)
    {
        if (SimdPaths.TakesAvxVnni(path)) Q8_1PairedDot<Block>.Avx2Tile<AvxVnniMultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
        else Q8_1PairedDot<Block>.Avx2Tile<Avx2MultiplyAdd>(row, rowStride, activations, activationStride, n, y, yStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ4_1*)row;
        var a = (BlockQ8_1*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ4_1.Elements; b++)
        {
            int isum = 0;
            for (int j = 0; j < 16; j++)
                isum += (w[b].Qs[j] & 0x0F) * a[b].Qs[j] + (w[b].Qs[j] >> 4) * a[b].Qs[j + 16];
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * isum + Fp16.HalfToSingle(w[b].M) * Fp16.HalfToSingle(a[b].S);
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_1PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_1PairedBlock
    {
        public static int BlockBytes => BlockQ4_1.Bytes;
        public static Vector256<byte> Unpack256(byte* block) => QuantUnpack.Nibbles256(block + 4);
        public static (Vector128<byte> Low, Vector128<byte> High) Unpack128(byte* block) => QuantUnpack.Nibbles128(block + 4);
    }
}
