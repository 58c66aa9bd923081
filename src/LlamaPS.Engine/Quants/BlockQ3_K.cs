using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public readonly void UnpackScales(Span<sbyte> scales) => ScaleVector().CopyTo(scales);

    /// <summary>
    /// <see cref="UnpackScales"/> as one vector, four groups per 32-bit word (ggml's way): word k takes the low (k &lt; 2)
    /// or high nibbles of bytes 0-3 (k even) or 4-7 (k odd), and bit pair k of bytes 8-11 above them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<sbyte> ScaleVector()
    {
        fixed (byte* s = Scales)
        {
            uint a0 = Unsafe.ReadUnaligned<uint>(s), a1 = Unsafe.ReadUnaligned<uint>(s + 4), high = Unsafe.ReadUnaligned<uint>(s + 8);
            const uint nibbles = 0x0F0F0F0F, pairs = 0x03030303;
            Vector128<uint> words = Vector128.Create(
                (a0 & nibbles) | (high & pairs) << 4,
                (a1 & nibbles) | (high >> 2 & pairs) << 4,
                (a0 >> 4 & nibbles) | (high >> 4 & pairs) << 4,
                (a1 >> 4 & nibbles) | (high >> 6 & pairs) << 4);
            return words.AsSByte() - Vector128.Create((sbyte)32);
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
