using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q4_K: 256 4-bit values in 8 sub-blocks of 32, each with a 6-bit scale and 6-bit minimum packed in
/// 12 bytes, and f16 super-scales d and dmin, 144 bytes. value = d * scale[s] * q - dmin * min[s].
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ4_K
{
    public const int Elements = 256;
    public const int Bytes = 144;

    public ushort D;
    public ushort DMin;
    public fixed byte Scales[12];
    public fixed byte Qs[Elements / 2];

    /// <summary>
    /// The 8 sub-block scales and 8 minimums (0..63), one per byte, sub-block 0 lowest (ggml's get_scale_min_k4).
    /// Sub-blocks 0-3 take the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); sub-blocks 4-7 take the nibbles of
    /// bytes 8-11 (scale low, min high) with the top 2 bits of bytes 0-3 (scales) and 4-7 (mins) as their bits 4-5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Scales, ulong Mins) ScalesAndMins(byte* packed)
    {
        uint u0 = *(uint*)packed, u1 = *(uint*)(packed + 4), u2 = *(uint*)(packed + 8);
        uint scLow = u0 & 0x3F3F3F3F, minLow = u1 & 0x3F3F3F3F;
        uint scHigh = (u2 & 0x0F0F0F0F) | (((u0 >> 6) & 0x03030303) << 4);
        uint minHigh = ((u2 >> 4) & 0x0F0F0F0F) | (((u1 >> 6) & 0x03030303) << 4);
        return (scLow | (ulong)scHigh << 32, minLow | (ulong)minHigh << 32);
    }

    /// <summary>The 256 unsigned 4-bit values in element order: sub-block s takes the low (s even) or high nibbles of qs[32(s/2)..].</summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int s = 0; s < 8; s++)
            for (int l = 0; l < 32; l++)
                q[s * 32 + l] = (sbyte)((Qs[(s / 2) * 32 + l] >> (4 * (s & 1))) & 0xF);
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ4_K> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements];
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ4_K blk = x[b];
            blk.Unpack(q);
            var (sc, mn) = ScalesAndMins(blk.Scales);
            float d = Fp16.HalfToSingle(blk.D), dmin = Fp16.HalfToSingle(blk.DMin);
            for (int s = 0; s < 8; s++)
            {
                float ds = d * (byte)(sc >> (8 * s)), ms = dmin * (byte)(mn >> (8 * s));
                for (int l = 0; l < 32; l++) y[b * Elements + s * 32 + l] = ds * q[s * 32 + l] - ms;
            }
        }
    }
}
