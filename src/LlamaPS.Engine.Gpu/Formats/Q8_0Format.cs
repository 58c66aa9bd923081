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

    public readonly QuantUnit Decode(ArrayView<uint> q, ArrayView<float> s, long row, int unit, int units)
    {
        long w = row * 8 * units + unit;
        float d = s[row * units + unit];
        return new QuantUnit
        {
            W0 = q[w], W1 = q[w + units], W2 = q[w + 2 * units], W3 = q[w + 3 * units],
            W4 = q[w + 4 * units], W5 = q[w + 5 * units], W6 = q[w + 6 * units], W7 = q[w + 7 * units],
            ScaleLo = d, ScaleHi = d,
        };
    }

    public readonly void Pack(ReadOnlySpan<byte> row, int unit, Span<uint> words, Span<float> scales)
    {
        var block = row.Slice(unit * BlockQ8_0.Bytes, BlockQ8_0.Bytes);
        scales[0] = Fp16.HalfToSingle(BitConverter.ToUInt16(block));
        for (int j = 0; j < 8; j++) words[j] = BitConverter.ToUInt32(block.Slice(2 + 4 * j));
    }
}
