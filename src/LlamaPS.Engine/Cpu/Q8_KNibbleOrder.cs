using System.Runtime.CompilerServices;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The <see cref="ActivationFormat.Q8_KNibbleOrder"/> layout: Q8_K blocks (same scale, values and group sums) whose
/// values come in the order Q4_K's nibbles hold them. Q4_K keeps 32-value sub-blocks 2j and 2j+1 in the low and
/// high nibbles of the same 32 bytes, so a 64-byte load of its nibbles holds sub-blocks 0 and 2 in its low nibbles
/// and 1 and 3 in its high ones: each 128 values are stored as their 32-value runs 0, 2, 1, 3, and a 512-bit kernel
/// meets both with plain loads. Group sums stay in element order.
/// </summary>
public static unsafe class Q8_KNibbleOrder
{
    /// <summary>Where 32-value sub-block s (0-7) of a block starts in <see cref="BlockQ8_K.Qs"/>: runs 1 and 2 of each 128 swapped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RunOffset(int s) => 128 * (s >> 2) + 32 * ((s & 1) << 1 | (s >> 1 & 1));

    /// <summary>Quantizes x as Q8_K does and puts each block's values in nibble order.</summary>
    public static void Convert(ReadOnlySpan<float> x, Span<BlockQ8_K> y)
    {
        BlockQ8_K.QuantizeRow(x, y);
        Span<sbyte> run = stackalloc sbyte[32];
        fixed (BlockQ8_K* blocks = y)
            for (int b = 0; b < x.Length / BlockQ8_K.Elements; b++)
                for (int half = 0; half < 2; half++)
                {
                    var first = new Span<sbyte>(blocks[b].Qs + 128 * half + 32, 32);
                    var second = new Span<sbyte>(blocks[b].Qs + 128 * half + 64, 32);
                    first.CopyTo(run);
                    second.CopyTo(first);
                    run.CopyTo(second);
                }
    }

    /// <summary>Block <paramref name="a"/> back in element order, for scalar references.</summary>
    public static BlockQ8_K InElementOrder(BlockQ8_K* a)
    {
        BlockQ8_K block = *a;
        for (int s = 0; s < 8; s++)
            new ReadOnlySpan<sbyte>(a->Qs + RunOffset(s), 32).CopyTo(new Span<sbyte>(block.Qs + 32 * s, 32));
        return block;
    }
}
