using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q8_0 blocks two at a time for <see cref="Q8_0PairsAvx2{TBlock}"/>, on AVX2 or AVX-VNNI by the
/// <see cref="IInt8MultiplyAdd"/> type argument: weights gathered as [first halves of b, b+1] and [second halves], so
/// the activations' pre-arranged halves line up. Signed weights need the sign trick (|w| times a with w's sign); |w|
/// is taken once per load. The two halves are widened separately (their 16-bit sums could overflow together).
/// </summary>
internal readonly unsafe struct Q8_0Pair<TMultiplyAdd> : IQ8_0PairsBlock where TMultiplyAdd : struct, IInt8MultiplyAdd
{
    public static int BlockBytes => BlockQ8_0.Bytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WeightPair Load(byte* first, byte* second)
    {
        Vector256<sbyte> lo = Vector256.Create(Vector128.Load((sbyte*)(first + 2)), Vector128.Load((sbyte*)(second + 2)));
        Vector256<sbyte> hi = Vector256.Create(Vector128.Load((sbyte*)(first + 18)), Vector128.Load((sbyte*)(second + 18)));
        return new WeightPair(lo.AsByte(), hi.AsByte(), Avx2.Abs(lo), Avx2.Abs(hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Products(in WeightPair w, byte* pair)
    {
        Vector256<int> sums = TMultiplyAdd.Sum(w.Extra1, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset)), w.Low.AsSByte()));
        sums = TMultiplyAdd.Add(sums, w.Extra2, Avx2.Sign(Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset)), w.High.AsSByte()));
        return Avx.ConvertToVector256Single(sums);
    }
}
