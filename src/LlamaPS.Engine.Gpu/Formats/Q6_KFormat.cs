using System.Runtime.InteropServices;
using ILGPU;
using LlamaPS.Engine.Gpu.Kernels;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// Q6_K on the device, 32 weights (two of its 16-weight groups) per unit: the low 4 bits as 4 words in Q4_0's
/// nibble order, the high 2 bits as 2 words (word h, byte b, bits 2i..2i+1: element 16h + 4i + b), and the two
/// groups' d * scale as floats. Decoding subtracts the offset 32 from every value.
/// </summary>
public struct Q6_KFormat : IQuantFormat
{
    public readonly int StoredWords => 6;
    public readonly int ScalesPerUnit => 2;
    public readonly bool SplitScales => true;
    public readonly bool HasMin => false;

    public readonly QuantUnit Unpack(in StoredUnit u)
    {
        uint a = u.W0, b = u.W1, c = u.W2, d = u.W3, h0 = u.W4, h1 = u.W5;
        return new QuantUnit
        {
            W0 = Value(a, h0, 0), W1 = Value(b, h0, 2), W2 = Value(c, h0, 4), W3 = Value(d, h0, 6),
            W4 = Value(a >> 4, h1, 0), W5 = Value(b >> 4, h1, 2), W6 = Value(c >> 4, h1, 4), W7 = Value(d >> 4, h1, 6),
            ScaleLo = u.S0, ScaleHi = u.S1,
        };
    }

    private static uint Value(uint nibbles, uint high, int shift) =>
        DeviceMath.SubtractFromBytes((nibbles & 0x0F0F0F0Fu) | (((high >> shift) & 0x03030303u) << 4), 32);

    public readonly unsafe void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales)
    {
        int sub = unit % 8;
        var block = MemoryMarshal.Read<BlockQ6_K>(row.Slice(unit / 8 * BlockQ6_K.Bytes, BlockQ6_K.Bytes));
        Span<sbyte> q = stackalloc sbyte[BlockQ6_K.Elements];
        block.Unpack(q);
        float d = Fp16.HalfToSingle(block.D);
        scales[0] = d * block.Scales[2 * sub];
        scales[1] = d * block.Scales[2 * sub + 1];
        Span<sbyte> u = stackalloc sbyte[32];
        for (int i = 0; i < 32; i++) u[i] = (sbyte)(q[32 * sub + i] + 32);
        Q4_KFormat.NibbleWords(u, words);
        for (int h = 0; h < 2; h++)
        {
            uint w = 0;
            for (int i = 0; i < 4; i++)
                for (int b = 0; b < 4; b++)
                    w |= (uint)((u[16 * h + 4 * i + b] >> 4) & 3) << (8 * b + 2 * i);
            words[4 + h] = w;
        }
    }
}
