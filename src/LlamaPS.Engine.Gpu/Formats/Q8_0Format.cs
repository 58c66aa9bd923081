using ILGPU;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>Q8_0 on the device: a block's 32 signed bytes as 8 words, its f16 scale widened to float.</summary>
public struct Q8_0Format : IQuantFormat
{
    public readonly int StoredWords => 8;
    public readonly int ScalesPerUnit => 1;
    public readonly bool SplitScales => false;
    public readonly bool HasMin => false;

    public readonly QuantUnit Unpack(in StoredUnit u) => new()
    {
        W0 = u.W0, W1 = u.W1, W2 = u.W2, W3 = u.W3, W4 = u.W4, W5 = u.W5, W6 = u.W6, W7 = u.W7,
        ScaleLo = u.S0, ScaleHi = u.S0,
    };

    public readonly void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales)
    {
        var block = row.Slice(unit * BlockQ8_0.Bytes, BlockQ8_0.Bytes);
        scales[0] = Fp16.HalfToSingle(BitConverter.ToUInt16(block));
        for (int j = 0; j < 8; j++) words[j] = BitConverter.ToUInt32(block.Slice(2 + 4 * j));
    }
}
