using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0 blocks two at a time for <see cref="Q8_0PairsAvx2{TBlock}"/> on AVX-VNNI: loaded as <see cref="Q4_0Avx2"/>
/// loads them (unsigned nibbles), multiplied by vpdpbusd, which sums each 4 nibble-by-activation products straight
/// into an int32 lane: the integers of AVX2's vpmaddubsw and vpmaddwd, in one instruction per half.
/// </summary>
internal readonly unsafe struct Q4_0AvxVnni : IQ8_0PairsBlock
{
    public static int BlockBytes => Q4_0Avx2.BlockBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WeightPair Load(byte* first, byte* second) => Q4_0Avx2.Load(first, second);

    // AvxVnni is a preview API in net8.0 (stable from .NET 9); its kernels run only where SimdPaths says it is supported.
#pragma warning disable CA2252
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Products(in WeightPair w, byte* pair)
    {
        Vector256<int> sums = AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, w.Low, Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset)));
        sums = AvxVnni.MultiplyWideningAndAdd(sums, w.High, Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset)));
        return Avx.ConvertToVector256Single(sums - Vector256.Load((int*)(pair + Q8_0Pairs.BiasOffset)));
    }
#pragma warning restore CA2252
}
