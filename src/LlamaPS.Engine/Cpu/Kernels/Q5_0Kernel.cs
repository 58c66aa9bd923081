using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q5_0 weights with Q8_0 activations: nibble and fifth bit joined, minus 16, as int8; integer products per block.</summary>
internal sealed unsafe class Q5_0Kernel : QuantizedKernel<Q8_0PairedDot<Q5_0Kernel.Block>>
{
    public override GgmlType Type => GgmlType.Q5_0;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ5_0.DequantizeRow(new ReadOnlySpan<BlockQ5_0>(row, dst.Length / BlockQ5_0.Elements), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockQ5_0*)row;
        var a = (BlockQ8_0*)activations;
        float sum = 0;
        for (int b = 0; b < n / BlockQ5_0.Elements; b++)
        {
            uint qh = Unsafe.ReadUnaligned<uint>(w[b].Qh);
            int isum = 0;
            for (int j = 0; j < 16; j++)
            {
                int h0 = (int)((qh >> j) << 4) & 0x10, h1 = (int)(qh >> (j + 12)) & 0x10;
                isum += (((w[b].Qs[j] & 0x0F) | h0) - 16) * a[b].Qs[j] + (((w[b].Qs[j] >> 4) | h1) - 16) * a[b].Qs[j + 16];
            }
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * isum;
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_0PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_0PairedBlock
    {
        public static int BlockBytes => BlockQ5_0.Bytes;

        // q - 16 as a byte: the nibble with 0xF0 where the fifth bit is clear (ggml's trick), which reads as nibble - 16.
        public static Vector256<sbyte> Unpack256(byte* block) =>
            (QuantUnpack.Nibbles256(block + 6) | Vector256.AndNot(Vector256.Create((byte)0xF0), QuantUnpack.HighBits256(block + 2))).AsSByte();

        public static (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack128(byte* block)
        {
            var (lo, hi) = QuantUnpack.Nibbles128(block + 6);
            var (hlo, hhi) = QuantUnpack.HighBits128(block + 2);
            Vector128<byte> f0 = Vector128.Create((byte)0xF0);
            return ((lo | Vector128.AndNot(f0, hlo)).AsSByte(), (hi | Vector128.AndNot(f0, hhi)).AsSByte());
        }
    }
}
