using LlamaPS.Engine.Cpu;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary><see cref="HalfToSingle"/> against .NET's own f16 conversion: every bit pattern, strided rows, and the finite flag.</summary>
public unsafe class HalfToSingleTests
{
    [Fact]
    public void EveryHalfWidensExactly()
    {
        // All 65536 patterns as one row: vector blocks, and NaN payloads, infinities and subnormals among them.
        ushort[] src = AllPatterns();
        var dst = new float[src.Length];
        fixed (ushort* s = src)
        fixed (float* d = dst)
            Assert.False(HalfToSingle.Convert(s, src.Length, d, src.Length, 1));
        for (int i = 0; i < src.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            Assert.True(float.IsNaN(expected) ? float.IsNaN(dst[i]) && (BitConverter.SingleToUInt32Bits(dst[i]) >> 13 & 0x3FF) == (uint)(i & 0x3FF)
                                              : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(dst[i]),
                $"0x{i:X4}: expected {expected}, got {dst[i]}");
        }
    }

    /// <summary>Eight values in a register (the F16 kernels' loads) take the same bits as the row conversion, for every pattern.</summary>
    [Fact]
    public void EightInARegisterEqualTheRowConversion()
    {
        ushort[] src = AllPatterns();
        var row = new float[src.Length];
        fixed (ushort* s = src)
        fixed (float* d = row)
        {
            HalfToSingle.Convert(s, src.Length, d, src.Length, 1);
            for (int i = 0; i < src.Length; i += 8)
            {
                var eight = HalfToSingle.Eight(s + i);
                for (int j = 0; j < 8; j++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(row[i + j]), BitConverter.SingleToInt32Bits(eight[j]));
            }
        }
    }

    [Theory]
    [InlineData(64, 7, 256)]
    [InlineData(72, 5, 144)]
    [InlineData(3, 4, 11)]
    public void StridedRowsLandOneAfterAnother(int width, int rows, int stride)
    {
        var random = new Random(width);
        var src = new ushort[rows * stride];
        for (int i = 0; i < src.Length; i++) src[i] = BitConverter.HalfToUInt16Bits((Half)(random.NextSingle() * 8 - 4));
        var dst = new float[rows * width];
        fixed (ushort* s = src)
        fixed (float* d = dst)
            Assert.True(HalfToSingle.Convert(s, stride, d, width, rows));
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++)
                Assert.Equal((float)BitConverter.UInt16BitsToHalf(src[r * stride + c]), dst[r * width + c]);
    }

    [Theory]
    [InlineData(0x7C00)] // +inf
    [InlineData(0xFC00)] // -inf
    [InlineData(0x7E01)] // NaN
    public void AnInfinityOrNaNInAnyRowIsReported(ushort special)
    {
        // In the vector part of the last row, then in its scalar tail.
        foreach (int at in new[] { 2 * 40 + 3, 2 * 40 + 37 })
        {
            var src = new ushort[3 * 40];
            src[at] = special;
            var dst = new float[3 * 38];
            fixed (ushort* s = src)
            fixed (float* d = dst)
                Assert.False(HalfToSingle.Convert(s, 40, d, 38, 3));
        }
    }

    /// <summary>Every f16 bit pattern, in order.</summary>
    private static ushort[] AllPatterns() => Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
}
