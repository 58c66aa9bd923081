using ILGPU;
using LlamaPS.Engine.Gpu.Kernels;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// Q4_0 on the device: the block's 16 nibble bytes as 4 words (ggml's order already puts element i in the low and
/// element i+16 in the high nibble of byte i), its f16 scale widened to float. Decoding subtracts the offset 8
/// from every nibble, so the integer sums are ggml's sum((q - 8) * a).
/// </summary>
public struct Q4_0Format : IQuantFormat
{
    public readonly int StoredWords => 4;
    public readonly int ScalesPerUnit => 1;
    public readonly bool SplitScales => false;
    public readonly bool HasMin => false;

    public readonly QuantUnit Unpack(in StoredUnit u)
    {
        uint a = u.W0, b = u.W1, c = u.W2, d = u.W3;
        float scale = u.S0;
        return new QuantUnit
        {
            W0 = Low(a), W1 = Low(b), W2 = Low(c), W3 = Low(d),
            W4 = High(a), W5 = High(b), W6 = High(c), W7 = High(d),
            ScaleLo = scale, ScaleHi = scale,
        };
    }

    private static uint Low(uint w) => DeviceMath.SubtractFromBytes(w & 0x0F0F0F0Fu, 8);
    private static uint High(uint w) => DeviceMath.SubtractFromBytes((w >> 4) & 0x0F0F0F0Fu, 8);

    public readonly void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales)
    {
        var block = row.Slice(unit * BlockQ4_0.Bytes, BlockQ4_0.Bytes);
        scales[0] = Fp16.HalfToSingle(BitConverter.ToUInt16(block));
        for (int j = 0; j < 4; j++) words[j] = BitConverter.ToUInt32(block.Slice(2 + 4 * j));
    }
}
