using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_iq4_xs: 256 4-bit indices into IQ4_NL's non-linear table, in 8 sub-blocks of 32 with 6-bit scales
/// (low nibbles in scales_l, high bit pairs in scales_h) and one f16 super-scale, 136 bytes.
/// value = d * (scale - 32) * Values[q].
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockIQ4_XS
{
    public const int Elements = 256;
    public const int Bytes = 136;

    /// <summary>ggml's kvalues_iq4nl: the 16 levels a 4-bit index stands for.</summary>
    public static ReadOnlySpan<sbyte> Values => [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];

    public ushort D;
    public ushort ScalesH;
    public fixed byte ScalesL[4];
    public fixed byte Qs[Elements / 2];

    /// <summary>Sub-block <paramref name="s"/>'s scale, -32..31.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Scale(int s) => (((ScalesL[s / 2] >> (4 * (s & 1))) & 0xF) | (((ScalesH >> (2 * s)) & 3) << 4)) - 32;

    /// <summary>The 256 values (table levels) in element order: sub-block s takes qs[16s..16s+15], low nibbles first.</summary>
    public readonly void Unpack(Span<sbyte> q)
    {
        for (int s = 0; s < 8; s++)
            for (int l = 0; l < 16; l++)
            {
                q[s * 32 + l] = Values[Qs[s * 16 + l] & 0xF];
                q[s * 32 + l + 16] = Values[Qs[s * 16 + l] >> 4];
            }
    }

    public static void DequantizeRow(ReadOnlySpan<BlockIQ4_XS> x, Span<float> y)
    {
        Span<sbyte> q = stackalloc sbyte[Elements];
        for (int b = 0; b < x.Length; b++)
        {
            x[b].Unpack(q);
            float d = Fp16.HalfToSingle(x[b].D);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * x[b].Scale(i / 32) * q[i];
        }
    }
}
