using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_iq4_nl: 32 4-bit indices into a fixed non-linear table of int8 values, with one f16 scale, 18 bytes.
/// qs[j] holds element j's index in its low nibble and element j+16's in its high nibble; value = d * Values[index].
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockIQ4_NL
{
    public const int Elements = 32;
    public const int Bytes = 18;

    /// <summary>ggml's kvalues_iq4nl.</summary>
    public static ReadOnlySpan<sbyte> Values => [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

    public ushort D;
    public fixed byte Qs[Elements / 2];

    public static void DequantizeRow(ReadOnlySpan<BlockIQ4_NL> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockIQ4_NL blk = x[b];
            float d = Fp16.HalfToSingle(blk.D);
            for (int j = 0; j < Elements / 2; j++)
            {
                y[b * Elements + j] = d * Values[blk.Qs[j] & 0x0F];
                y[b * Elements + j + 16] = d * Values[blk.Qs[j] >> 4];
            }
        }
    }
}
