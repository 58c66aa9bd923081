using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q5_0: 32 5-bit values with one f16 scale, 22 bytes. qs[j] holds the low 4 bits of element j (low
/// nibble) and j+16 (high nibble); bit i of qh (little-endian u32) is element i's fifth bit. value = d * (q - 16).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ5_0
{
    public const int Elements = 32;
    public const int Bytes = 22;

    public ushort D;
    public fixed byte Qh[4];
    public fixed byte Qs[Elements / 2];

    /// <summary>Element <paramref name="i"/>'s 5-bit value (0-31) of the block at <paramref name="qh"/>/<paramref name="qs"/>.</summary>
    internal static unsafe int Value5(byte* qh, byte* qs, int i)
    {
        uint h = (uint)(qh[0] | qh[1] << 8 | qh[2] << 16 | qh[3] << 24);
        int nibble = i < 16 ? qs[i] & 0x0F : qs[i - 16] >> 4;
        return nibble | (int)((h >> i) & 1) << 4;
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ5_0> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ5_0 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * (Value5(blk.Qh, blk.Qs, i) - 16);
        }
    }
}
