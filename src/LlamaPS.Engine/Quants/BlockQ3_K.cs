using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q3_K: 256 3-bit values in 16 groups of 16 with 6-bit signed group scales and one f16 super-scale,
/// 110 bytes. The low 2 bits live in qs, the high bit in hmask (set means +4); value = d * (scale - 32) * (q - 4).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ3_K
{
    public const int Elements = 256;
    public const int Bytes = 110;

    public fixed byte HMask[Elements / 8];
    public fixed byte Qs[Elements / 4];
    public fixed byte Scales[12];
    public ushort D;

    /// <summary>
    /// The 256 signed 3-bit values (-4..3) in element order. Element 32j+l of half h takes bit pair j of qs[32h+l]
    /// and, as its high bit, bit 4h+j of hmask[l].
    /// </summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int half = 0; half < 2; half++)
            for (int j = 0; j < 4; j++)
                for (int l = 0; l < 32; l++)
                {
                    int low = (Qs[half * 32 + l] >> (2 * j)) & 3, high = (HMask[l] >> (4 * half + j)) & 1;
                    q[half * 128 + j * 32 + l] = (sbyte)((low | (high << 2)) - 4);
                }
    }

    /// <summary>
    /// The 16 group scales (-32..31). Group g's low 4 bits are the low (g &lt; 8) or high nibble of scales[g % 8];
    /// its high 2 bits are bit pair g / 4 of scales[8 + g % 4].
    /// </summary>
    public readonly void UnpackScales(Span<sbyte> scales)
    {
        for (int g = 0; g < 16; g++)
        {
            int low = (Scales[g % 8] >> (g < 8 ? 0 : 4)) & 0xF, high = (Scales[8 + g % 4] >> (2 * (g / 4))) & 3;
            scales[g] = (sbyte)((low | (high << 4)) - 32);
        }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ3_K> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements], sc = stackalloc sbyte[16];
        for (int b = 0; b < x.Length; b++)
        {
            x[b].Unpack(q);
            x[b].UnpackScales(sc);
            float d = Fp16.HalfToSingle(x[b].D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * sc[i / 16] * q[i];
        }
    }
}
