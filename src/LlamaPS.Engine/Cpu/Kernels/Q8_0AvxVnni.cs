using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q8_0 blocks two at a time for <see cref="Q8_0PairsAvx2{TBlock}"/> on AVX-VNNI: loaded as <see cref="Q8_0Avx2"/>
/// loads them (with |w|), multiplied by vpdpbusd as |w| times the activations carrying w's sign. Each 4 products go
/// straight into an int32 lane, the integers of AVX2's vpmaddubsw and vpmaddwd (whose 16-bit pair sums, at most
/// 2 * 128 * 127, never saturate).
/// </summary>
internal readonly unsafe struct Q8_0AvxVnni : IQ8_0PairsBlock
{
    public static int BlockBytes => Q8_0Avx2.BlockBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WeightPair Load(byte* first, byte* second) => Q8_0Avx2.Load(first, second);

    // AvxVnni is a preview API in net8.0 (stable from .NET 9); its kernels run only where SimdPaths says it is supported.
#pragma warning disable CA2252
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Products(in WeightPair w, byte* pair)
    {
        Vector256<int> sums = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w.Extra1, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset)), w.Low.AsSByte()));
        sums = AvxVnni.MultiplyWideningAndAdd(sums, w.Extra2, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset)), w.High.AsSByte()));
        return Avx.ConvertToVector256Single(sums);
    }
#pragma warning restore CA2252
}
