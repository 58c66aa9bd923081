using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// Q4_0 blocks two at a time for <see cref="Q8_0PairsAvx2{TBlock}"/>, on AVX2 or AVX-VNNI by the
/// <see cref="IInt8MultiplyAdd"/> type argument: [qs_b | qs_b+1] masked gives both blocks' low nibbles, shifted
/// their high nibbles. The nibbles stay unsigned (0..15), so the byte multiply-adds take them as they are; the -8
/// offset is subtracted in integers as 8 * sum(q_a), which the activations carry per block.
/// </summary>
internal readonly unsafe struct Q4_0Pair<TMultiplyAdd> : IQ8_0PairsBlock where TMultiplyAdd : struct, IInt8MultiplyAdd
{
    public static int BlockBytes => BlockQ4_0.Bytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WeightPair Load(byte* first, byte* second)
    {
        Vector256<byte> m4 = Vector256.Create((byte)0x0F);
        Vector256<byte> q = Vector256.Create(Vector128.Load(first + 2), Vector128.Load(second + 2));
        return new WeightPair(q & m4, Avx2.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & m4, default, default);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Products(in WeightPair w, byte* pair)
    {
        Vector256<int> sums = TMultiplyAdd.SumOfSmall(w.Low, Vector256.Load((sbyte*)(pair + Q8_0Pairs.LowOffset)),
                                                      w.High, Vector256.Load((sbyte*)(pair + Q8_0Pairs.HighOffset)));
        return Avx.ConvertToVector256Single(sums - Vector256.Load((int*)(pair + Q8_0Pairs.BiasOffset)));
    }
}
