using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q6_K: 256 6-bit values in 16 groups of 16 with int8 group scales and one f16 super-scale, 210 bytes.
/// Low 4 bits live in ql, high 2 bits in qh; value = d * scales[group] * (q - 32).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ6_K
{
    public const int Elements = 256;
    public const int Bytes = 210;

    public fixed byte Ql[Elements / 2];
    public fixed byte Qh[Elements / 4];
    public fixed sbyte Scales[Elements / 16];
    public ushort D;

    /// <summary>
    /// The 256 signed 6-bit values (q - 32) in element order. Each 128-element half takes 64 ql bytes and 32 qh
    /// bytes: element l+32k (k = 0..3) takes ql's low/high nibble and qh's bit pair 2k.
    /// </summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int half = 0; half < 2; half++)
        {
            int ql = half * 64, qh = half * 32, o = half * 128;
            for (int l = 0; l < 32; l++)
            {
                int h = Qh[qh + l];
                q[o + l] = (sbyte)(((Ql[ql + l] & 0xF) | ((h & 3) << 4)) - 32);
                q[o + l + 32] = (sbyte)(((Ql[ql + l + 32] & 0xF) | (((h >> 2) & 3) << 4)) - 32);
                q[o + l + 64] = (sbyte)(((Ql[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32);
                q[o + l + 96] = (sbyte)(((Ql[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32);
            }
        }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ6_K> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements];
        for (int b = 0; b < x.Length; b++)
        {
            x[b].Unpack(q);
            float d = Fp16.HalfToSingle(x[b].D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * x[b].Scales[i / 16] * q[i];
        }
    }
}
