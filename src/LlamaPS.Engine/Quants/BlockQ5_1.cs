using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Quants;

/// <summary>
/// ggml's block_q5_1: 32 5-bit values with an f16 scale d and an f16 min m, 24 bytes; bits laid out as in
/// <see cref="BlockQ5_0"/>. value = d * q + m.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct BlockQ5_1
{
    public const int Elements = 32;
    public const int Bytes = 24;

    public ushort D;
    public ushort M;
    public fixed byte Qh[4];
    public fixed byte Qs[Elements / 2];

    public static void DequantizeRow(ReadOnlySpan<BlockQ5_1> x, Span<float> y)
    {
        for (int b = 0; b < x.Length; b++)
        {
            BlockQ5_1 blk = x[b];
            float d = Fp16.HalfToSingle(blk.D), m = Fp16.HalfToSingle(blk.M);
            for (int i = 0; i < Elements; i++) y[b * Elements + i] = d * BlockQ5_0.Value5(blk.Qh, blk.Qs, i) + m;
        }
    }
}
