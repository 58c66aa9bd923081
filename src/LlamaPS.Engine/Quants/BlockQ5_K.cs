using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q5_K: Q4_K's layout with a fifth bit per value in qh, 176 bytes.
/// value = d * scale[s] * q - dmin * min[s], q = 0..31.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ5_K
{
    public const int Elements = 256;
    public const int Bytes = 176;

    public ushort D;
    public ushort DMin;
    public fixed byte Scales[12];
    public fixed byte Qh[Elements / 8];
    public fixed byte Qs[Elements / 2];

    /// <summary>The 256 unsigned 5-bit values in element order: Q4_K's nibbles, and bit s of qh[l] as bit 4 of element 32s+l.</summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int s = 0; s < 8; s++)
            for (int l = 0; l < 32; l++)
                q[s * 32 + l] = (sbyte)(((Qs[(s / 2) * 32 + l] >> (4 * (s & 1))) & 0xF) | (((Qh[l] >> s) & 1) << 4));
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ5_K> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements];
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ5_K blk = x[b];
            blk.Unpack(q);
            var (sc, mn) = BlockQ4_K.ScalesAndMins(blk.Scales);
            float d = Fp16.HalfToSingle(blk.D), dmin = Fp16.HalfToSingle(blk.DMin);
            for (int s = 0; s < 8; s++)
            {
                float ds = d * (byte)(sc >> (8 * s)), ms = dmin * (byte)(mn >> (8 * s));
                for (int l = 0; l < 32; l++) y[b * Elements + s * 32 + l] = ds * q[s * 32 + l] - ms;
            }
        }
    }
}
