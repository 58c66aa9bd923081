using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>IQ4_NL weights with Q8_0 activations: nibbles looked up in the non-linear int8 table (a byte shuffle), then integer products per block.</summary>
internal sealed unsafe class IQ4_NLKernel : QuantizedKernel<Q8_0PairedDot<IQ4_NLKernel.Block>>
{
    public override GgmlType Type => GgmlType.IQ4_NL;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockIQ4_NL.DequantizeRow(new ReadOnlySpan<BlockIQ4_NL>(row, dst.Length / BlockIQ4_NL.Elements), dst);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override float DotScalar(byte* row, byte* activations, int n)
    {
        var w = (BlockIQ4_NL*)row;
        var a = (BlockQ8_0*)activations;
        ReadOnlySpan<sbyte> values = BlockIQ4_NL.Values;
        float sum = 0;
        for (int b = 0; b < n / BlockIQ4_NL.Elements; b++)
        {
            int isum = 0;
            for (int j = 0; j < 16; j++)
                isum += values[w[b].Qs[j] & 0x0F] * a[b].Qs[j] + values[w[b].Qs[j] >> 4] * a[b].Qs[j + 16];
            sum += Fp16.HalfToSingle(w[b].D) * Fp16.HalfToSingle(a[b].D) * isum;
        }
        return sum;
    }

    /// <summary>The block as <see cref="Q8_0PairedDot{TBlock}"/> reads it (a struct, so the generic code is specialised, not shared).</summary>
    internal readonly struct Block : IQ8_0PairedBlock
    {
        public static int BlockBytes => BlockIQ4_NL.Bytes;

        private static Vector128<byte> Table
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector128.Create((sbyte)-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113).AsByte();
        }

        public static Vector256<sbyte> Unpack256(byte* block) => Levels256(block + 2);

        /// <summary>The table levels of 16 bytes of packed indices: low nibbles (values 0-15), then high (16-31). IQ4_XS packs its sub-blocks alike.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<sbyte> Levels256(byte* qs) => Avx2.Shuffle(Vector256.Create(Table, Table), QuantUnpack.Nibbles256(qs)).AsSByte();

        public static (Vector128<sbyte> Low, Vector128<sbyte> High) Unpack128(byte* block) => Levels128(block + 2);

        /// <summary>The table levels of 16 bytes of packed indices: low nibbles (values 0-15), then high (16-31). IQ4_XS packs its sub-blocks alike.</summary>
        internal static (Vector128<sbyte> Low, Vector128<sbyte> High) Levels128(byte* qs)
        {
            var (lo, hi) = QuantUnpack.Nibbles128(qs);
            return (QuantUnpack.Shuffle(Table, lo).AsSByte(), QuantUnpack.Shuffle(Table, hi).AsSByte());
        }
    }
}
