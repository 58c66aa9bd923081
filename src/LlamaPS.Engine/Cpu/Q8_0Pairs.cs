using System.Runtime.CompilerServices;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The <see cref="ActivationFormat.Q8_0Pairs"/> layout: Q8_0's values, scales and block sums rearranged once per token
/// so that a kernel holding two 32-value weight blocks in one 256-bit register ([low halves | low halves] and
/// [high halves | high halves], as Q4_0's nibbles fall), or eight in two 512-bit registers, loads everything it needs
/// with plain loads. Blocks come in groups of 8 (pairs p = 0..3 of blocks 8g+2p, 8g+2p+1), 544 bytes a group:
///   Low         sbyte[128] = q[8g][0..15]  | q[8g+1][0..15]  | ... | q[8g+7][0..15]
///   High        sbyte[128] = q[8g][16..31] | q[8g+1][16..31] | ... | q[8g+7][16..31]
///   Scale       float[32]  = d[8g] x4 | d[8g+1] x4 | ... | d[8g+7] x4
///   Bias        int[32]    = 8 sum(q[8g]), 0, 0, 0 | ... (what Q4_0's +8 nibble offset adds to a dot product)
///   ScaledScale float[8]   = d[8g] * 2^112, ..., d[8g+7] * 2^112 (for weight scales converted from f16 by moving
///                            their bits into a float's, which leaves them 2^112 too small)
/// A pair's fields sit 32 bytes apart within each run, so a pair is addressed as group + 32 p plus a field offset
/// (<see cref="Pair"/>). A row whose block count is not a multiple of 8 ends in zero blocks (scale 0).
/// </summary>
public static unsafe class Q8_0Pairs
{
    public const int GroupBlocks = 8, GroupBytes = 544;
    public const int LowOffset = 0, HighOffset = 128, ScaleOffset = 256, BiasOffset = 384, ScaledScaleOffset = 512;

    public static int RowBytes(int n) => (n / BlockQ8_0.Elements + GroupBlocks - 1) / GroupBlocks * GroupBytes;

    /// <summary>Where pair p (blocks 2p, 2p+1) of a row starts; its fields are at the offsets above from there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* Pair(byte* row, int p) => row + (p >> 2) * GroupBytes + 32 * (p & 3);

    /// <summary>Quantizes x as Q8_0 does (same values and scales) and lays the blocks out in groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convert(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int nb = x.Length / BlockQ8_0.Elements;
        BlockQ8_0* blocks = stackalloc BlockQ8_0[GroupBlocks];
        dst[..RowBytes(x.Length)].Clear();
        fixed (byte* d = dst)
        {
            for (int b = 0; b < nb; b += GroupBlocks)
            {
                int count = Math.Min(GroupBlocks, nb - b);
                BlockQ8_0.QuantizeRow(x.Slice(b * BlockQ8_0.Elements, count * BlockQ8_0.Elements), new Span<BlockQ8_0>(blocks, count));
                byte* group = d + b / GroupBlocks * GroupBytes;
                for (int k = 0; k < count; k++)
                {
                    sbyte* q = blocks[k].Qs;
                    new ReadOnlySpan<byte>(q, 16).CopyTo(new Span<byte>(group + LowOffset + 16 * k, 16));
                    new ReadOnlySpan<byte>(q + 16, 16).CopyTo(new Span<byte>(group + HighOffset + 16 * k, 16));
                    float scale = Fp16.HalfToSingle(blocks[k].D);
                    for (int i = 0; i < 4; i++) ((float*)(group + ScaleOffset))[4 * k + i] = scale;
                    int sum = 0;
                    for (int i = 0; i < BlockQ8_0.Elements; i++) sum += q[i];
                    ((int*)(group + BiasOffset))[4 * k] = 8 * sum;
                    ((float*)(group + ScaledScaleOffset))[k] = scale * HalfToSingle.BitsScale;
                }
            }
        }
    }

    /// <summary>Value i of block b, for scalar references.</summary>
    public static sbyte Value(byte* row, int b, int i) =>
        ((sbyte*)(Pair(row, b >> 1) + (i < 16 ? LowOffset : HighOffset)))[16 * (b & 1) + (i & 15)];

    /// <summary>Scale of block b.</summary>
    public static float Scale(byte* row, int b) => ((float*)(Pair(row, b >> 1) + ScaleOffset))[4 * (b & 1)];
}
