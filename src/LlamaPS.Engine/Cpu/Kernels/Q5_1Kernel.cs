using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q5_1 weights with Q8_1 activations: per block d_w * d_a * sum(q5 * q_a) + m_w * s_a, as ggml.</summary>
internal sealed unsafe class Q5_1Kernel : QuantizedKernel<Q8_1PairedDot<Q5_1Kernel.Block>>
{
    public override GgmlType Type => GgmlType.Q5_1;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ5_1.DequantizeRow(new ReadOnlySpan<BlockQ5_1>(row, dst.Length / BlockQ5_1.Elements), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ5_1*)row;
        var a = (BlockQ8_1*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ5_1.Elements; b++)
        {
            uint qh = Unsafe.ReadUnaligned<uint>(w[b].Qh);
            int isum = 0;
            for (int j = 0; j < 16; j++)
            {
                int h0 = (int)((qh >> j) << 4) & 0x10, h1 = (int)(qh >> (j + 12)) & 0x10;
                isum += ((w[b].Qs[j] & 0x0F) | h0) * a[b].Qs[j] + ((w[b].Qs[j] >> 4) | h1) * a[b].Qs[j + 16];
            }
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * isum + Fp16.HalfToSingle(w[b].M) * Fp16.HalfToSingle(a[b].S);
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_1PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_1PairedBlock
    {
        public static int BlockBytes => BlockQ5_1.Bytes;

        public static Vector256<byte> Unpack256(byte* block) =>
            QuantUnpack.Nibbles256(block + 8) | (QuantUnpack.HighBits256(block + 4) & Vector256.Create((byte)0x10));

        public static (Vector128<byte> Low, Vector128<byte> High) Unpack128(byte* block)
        {
            var (lo, hi) = QuantUnpack.Nibbles128(block + 8);
            var (hlo, hhi) = QuantUnpack.HighBits128(block + 4);
            Vector128<byte> bit4 = Vector128.Create((byte)0x10);
            return (lo | (hlo & bit4), hi | (hhi & bit4));
        }
    }
}
