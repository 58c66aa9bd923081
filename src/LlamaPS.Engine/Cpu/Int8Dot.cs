using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>Integer products of signed 8-bit vectors, the inner step of every quantized dot product.</summary>
internal static class Int8Dot
{
    /// <summary>
    /// Sums of 4 adjacent products of 32 int8 pairs, as 8 int32 lanes. The byte multiply-adds take unsigned
    /// by signed bytes only, so |x| takes x's sign over to y (ggml's trick); pair sums stay below 2*128*127.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAdd<TMultiplyAdd>(Vector256<sbyte> x, Vector256<sbyte> y) where TMultiplyAdd : IInt8MultiplyAdd =>
        TMultiplyAdd.Sum(Avx2.Abs(x), Avx2.Sign(y, x));

    /// <summary>acc + as <see cref="MultiplyAdd{TMultiplyAdd}"/>, each group of 8 short products scaled by a per-16-bytes weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddScaled<TMultiplyAdd>(Vector256<int> acc, Vector256<sbyte> x, Vector256<sbyte> y, Vector256<short> scales) where TMultiplyAdd : IInt8MultiplyAdd =>
        TMultiplyAdd.AddScaled(acc, Avx2.Abs(x), Avx2.Sign(y, x), scales);

    /// <summary>Portable path (ARM64 and others): widen to 16 bits, multiply, widen and add to 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<sbyte> x, Vector128<sbyte> y)
    {
        Vector128<short> lo = Vector128.WidenLower(x) * Vector128.WidenLower(y);
        Vector128<short> hi = Vector128.WidenUpper(x) * Vector128.WidenUpper(y);
        return Vector128.WidenLower(lo) + Vector128.WidenUpper(lo) + Vector128.WidenLower(hi) + Vector128.WidenUpper(hi);
    }
}
