using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The <see cref="ActivationFormat.Q8_0Pairs"/> layout: Q8_0's values, scales and block sums rearranged once per token
/// so that a kernel holding two 32-value weight blocks in one 256-bit register ([low halves | low halves] and
/// [high halves | high halves], as Q4_0's nibbles fall) loads everything it needs with plain aligned loads.
/// Per pair p of blocks (2p, 2p+1), 128 bytes:
///   Low  sbyte[32]  = q[2p][0..15]  | q[2p+1][0..15]
///   High sbyte[32]  = q[2p][16..31] | q[2p+1][16..31]
///   Scale float[8]  = d[2p] x4      | d[2p+1] x4
///   Bias  int[8]    = 8 sum(q[2p]), 0, 0, 0 | 8 sum(q[2p+1]), 0, 0, 0  (what Q4_0's +8 nibble offset adds to a dot product)
/// A row with an odd block count ends in a half pair whose second block is all zero.
/// </summary>
public static unsafe class Q8_0Pairs
{
    public const int PairBytes = 128;
    public const int LowOffset = 0, HighOffset = 32, ScaleOffset = 64, BiasOffset = 96;

    public static int RowBytes(int n) => (n / BlockQ8_0.Elements + 1) / 2 * PairBytes;

    /// <summary>Quantizes x as Q8_0 does (same values and scales) and lays the blocks out in pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convert(ReadOnlySpan<float> x, Span<byte> dst)
    {
        int nb = x.Length / BlockQ8_0.Elements;
        BlockQ8_0* blocks = stackalloc BlockQ8_0[2];
        dst[..RowBytes(x.Length)].Clear();
        fixed (byte* d = dst)
        {
            for (int b = 0; b < nb; b += 2)
            {
                int count = Math.Min(2, nb - b);
                BlockQ8_0.QuantizeRow(x.Slice(b * BlockQ8_0.Elements, count * BlockQ8_0.Elements), new Span<BlockQ8_0>(blocks, count));
                byte* pair = d + b / 2 * PairBytes;
                for (int k = 0; k < count; k++)
                {
                    sbyte* q = blocks[k].Qs;
                    new ReadOnlySpan<byte>(q, 16).CopyTo(new Span<byte>(pair + LowOffset + 16 * k, 16));
                    new ReadOnlySpan<byte>(q + 16, 16).CopyTo(new Span<byte>(pair + HighOffset + 16 * k, 16));
                    float scale = Fp16.HalfToSingle(blocks[k].D);
                    for (int i = 0; i < 4; i++) ((float*)(pair + ScaleOffset))[4 * k + i] = scale;
                    int sum = 0;
                    for (int i = 0; i < BlockQ8_0.Elements; i++) sum += q[i];
                    ((int*)(pair + BiasOffset))[4 * k] = 8 * sum;
                }
            }
        }
    }

    /// <summary>Value i of block b, for scalar references.</summary>
    public static sbyte Value(byte* row, int b, int i) =>
        ((sbyte*)(row + b / 2 * PairBytes + (i < 16 ? LowOffset : HighOffset)))[16 * (b & 1) + (i & 15)];

    /// <summary>Scale of block b.</summary>
    public static float Scale(byte* row, int b) => ((float*)(row + b / 2 * PairBytes + ScaleOffset))[4 * (b & 1)];
}
