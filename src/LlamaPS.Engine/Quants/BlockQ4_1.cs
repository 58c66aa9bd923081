using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q4_1: 32 4-bit values with an f16 scale d and an f16 min m, 20 bytes. qs[j] holds element j in its
/// low nibble and element j+16 in its high nibble; value = d * nibble + m.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ4_1
{
    public const int Elements = 32;
    public const int Bytes = 20;

    public ushort D;
    public ushort M;
    public fixed byte Qs[Elements / 2];

    public static void DequantizeRow(ReadOnlySpan<BlockQ4_1> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ4_1 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D), m = Fp16.HalfToSingle(blk.M);
            for (int j = 0; j < Elements / 2; j++)
            {
                y[b * Elements + j] = d * (blk.Qs[j] & 0x0F) + m;
                y[b * Elements + j + 16] = d * (blk.Qs[j] >> 4) + m;
            }
        }
    }
}
