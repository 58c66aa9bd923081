using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q4_0: 32 4-bit values with one f16 scale, 18 bytes. qs[j] holds element j in its low nibble and
/// element j+16 in its high nibble; value = d * (nibble - 8).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ4_0
{
    public const int Elements = 32;
    public const int Bytes = 18;

    public ushort D;
    public fixed byte Qs[Elements / 2];

    public static void DequantizeRow(ReadOnlySpan<BlockQ4_0> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ4_0 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int j = 0; j < Elements / 2; j++)
            {
                y[b * Elements + j] = d * ((blk.Qs[j] & 0x0F) - 8);
                y[b * Elements + j + 16] = d * ((blk.Qs[j] >> 4) - 8);
            }
        }
    }
}
