using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q2_K: 256 2-bit values in 16 groups of 16, 84 bytes. Each group has a byte of 4-bit scale (low
/// nibble) and 4-bit minimum (high nibble); value = d * (scales[g] &amp; 15) * q - dmin * (scales[g] >> 4).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ2_K
{
    public const int Elements = 256;
    public const int Bytes = 84;

    public fixed byte Scales[Elements / 16];
    public fixed byte Qs[Elements / 4];
    public ushort D;
    public ushort DMin;

    /// <summary>
    /// The 256 unsigned 2-bit values in element order. Each 128-element half takes 32 qs bytes: element 32j+l of
    /// the half is bit pair j of byte l.
    /// </summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int half = 0; half < 2; half++)
            for (int j = 0; j < 4; j++)
                for (int l = 0; l < 32; l++)
                    q[half * 128 + j * 32 + l] = (sbyte)((Qs[half * 32 + l] >> (2 * j)) & 3);
    }

    public static void DequantizeRow(ReadOnlySpan<BlockQ2_K> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements];
        for (int b = 0; b < x.Length; b++)
        {
            x[b].Unpack(q);
            float d = Fp16.HalfToSingle(x[b].D), dmin = Fp16.HalfToSingle(x[b].DMin);
            for (int i = 0; i < Elements; i++)
            {
                int sc = x[b].Scales[i / 16];
                y[b * Elements + i] = d * (sc & 0xF) * q[i] - dmin * (sc >> 4);
            }
        }
    }
}
