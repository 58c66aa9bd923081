using System.Runtime.InteropServices;
using ILGPU;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// Q4_K on the device, one sub-block of 32 per unit: its nibbles as 4 words in Q4_0's order (element i low, i+16
/// high), and two floats, d * scale and dmin * min of the sub-block, unpacked from the 12 packed bytes at load.
/// 4.75 bits a weight instead of 4.5, in exchange for no 6-bit unpacking in the kernels.
/// </summary>
public struct Q4_KFormat : IQuantFormat
{
    public readonly int StoredWords => 4;
    public readonly int ScalesPerUnit => 2;
    public readonly bool SplitScales => false;
    public readonly bool HasMin => true;

    public readonly QuantUnit Unpack(in StoredUnit u)
    {
        uint a = u.W0, b = u.W1, c = u.W2, d = u.W3;
        float scale = u.S0;
        return new QuantUnit
        {
            W0 = a & 0x0F0F0F0Fu, W1 = b & 0x0F0F0F0Fu, W2 = c & 0x0F0F0F0Fu, W3 = d & 0x0F0F0F0Fu,
            W4 = (a >> 4) & 0x0F0F0F0Fu, W5 = (b >> 4) & 0x0F0F0F0Fu, W6 = (c >> 4) & 0x0F0F0F0Fu, W7 = (d >> 4) & 0x0F0F0F0Fu,
            ScaleLo = scale, ScaleHi = scale, Min = u.S1,
        };
    }

    public readonly unsafe void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales)
    {
        int sub = unit % 8;
        var block = MemoryMarshal.Read<BlockQ4_K>(row.Slice(unit / 8 * BlockQ4_K.Bytes, BlockQ4_K.Bytes));
        Span<sbyte> q = stackalloc sbyte[BlockQ4_K.Elements];
        block.Unpack(q);
        var (sc, mn) = BlockQ4_K.ScalesAndMins(block.Scales);
        scales[0] = Fp16.HalfToSingle(block.D) * (byte)(sc >> (8 * sub));
        scales[1] = Fp16.HalfToSingle(block.DMin) * (byte)(mn >> (8 * sub));
        NibbleWords(q.Slice(32 * sub, 32), words);
    }

    /// <summary>32 values below 16 as 4 words: byte b of word j holds element 4j+b low and 16+4j+b high.</summary>
    internal static void NibbleWords(ReadOnlySpan<sbyte> q, Span<uint> words)
    {
        for (int j = 0; j < 4; j++)
        {
            uint w = 0;
            for (int b = 0; b < 4; b++) w |= (uint)((q[4 * j + b] & 0xF) | (q[16 + 4 * j + b] & 0xF) << 4) << (8 * b);
            words[j] = w;
        }
    }
}
