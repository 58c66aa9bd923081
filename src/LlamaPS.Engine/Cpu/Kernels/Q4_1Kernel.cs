using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>Q4_1 weights with Q8_1 activations: per block d_w * d_a * sum(nibble * q_a) + m_w * s_a, as ggml.</summary>
internal sealed unsafe class Q4_1Kernel : QuantizedKernel<Q8_1PairedDot<Q4_1Kernel.Block>>
{
    public override GgmlType Type => GgmlType.Q4_1;

    public override void DequantizeRow(byte* row, Span<float> dst) =>
        BlockQ4_1.DequantizeRow(new ReadOnlySpan<BlockQ4_1>(row, dst.Length / BlockQ4_1.Elements), dst);

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
