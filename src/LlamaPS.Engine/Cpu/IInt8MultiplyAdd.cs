using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The 256-bit byte multiply-adds of the quantized kernels, as a type parameter, so that one kernel body serves two
/// paths: <see cref="Avx2MultiplyAdd"/> (vpmaddubsw, then vpmaddwd and an add) and <see cref="AvxVnniMultiplyAdd"/>
/// (vpdpbusd, or vpmaddubsw then vpdpwssd, which add into the accumulator in the same instruction). Both compute the
/// same integers: no 16-bit pair sum the kernels form reaches 2^15 (at most 2 * 128 * 127), so nothing saturates, and
/// a kernel gives the same result to the bit on either. A struct type argument makes the JIT compile each body once
/// per path, with the calls inlined.
/// </summary>
internal interface IInt8MultiplyAdd
{
    /// <summary>The sums of each 4 adjacent products of unsigned <paramref name="u"/> by signed <paramref name="x"/> (8 int32 lanes).</summary>
    static abstract Vector256<int> Sum(Vector256<byte> u, Vector256<sbyte> x);

    /// <summary>acc + <see cref="Sum"/>(u, x).</summary>
    static abstract Vector256<int> Add(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x);

    /// <summary>
    /// Sum(u1, x1) + Sum(u2, x2), for small weights: every 16-bit pair sum of one plus the other's stays below 2^15
    /// (Q4_0's nibbles: 4 * 15 * 127), so AVX2 adds them before it widens, one vpmaddwd for both.
    /// </summary>
    static abstract Vector256<int> SumOfSmall(Vector256<byte> u1, Vector256<sbyte> x1, Vector256<byte> u2, Vector256<sbyte> x2);

    /// <summary>
    /// acc + the sums of each 2 adjacent 16-bit pair sums of <paramref name="u"/> by <paramref name="x"/>, each pair
    /// sum times its 16-bit <paramref name="scales"/> lane (8 int32 lanes): a scale per run of 8 pairs is a sub-block's.
    /// </summary>
    static abstract Vector256<int> AddScaled(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x, Vector256<short> scales);
}

/// <summary>AVX2: vpmaddubsw forms the 16-bit pair sums, vpmaddwd widens them (times 1 or the scales), vpaddd accumulates.</summary>
internal readonly struct Avx2MultiplyAdd : IInt8MultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Sum(Vector256<byte> u, Vector256<sbyte> x) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, x), Vector256.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x) => acc + Sum(u, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SumOfSmall(Vector256<byte> u1, Vector256<sbyte> x1, Vector256<byte> u2, Vector256<sbyte> x2) =>
        Avx2.MultiplyAddAdjacent(Avx2.Add(Avx2.MultiplyAddAdjacent(u1, x1), Avx2.MultiplyAddAdjacent(u2, x2)), Vector256.Create((short)1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> AddScaled(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x, Vector256<short> scales) =>
        acc + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, x), scales);
}

/// <summary>
/// AVX-VNNI: vpdpbusd sums each 4 byte products straight into the accumulator's int32 lanes (one instruction for
/// three); scaled sums keep vpmaddubsw and fuse vpmaddwd with the add as vpdpwssd. Runs only where
/// <see cref="SimdPaths.TakesAvxVnni"/> says so.
/// </summary>
internal readonly struct AvxVnniMultiplyAdd : IInt8MultiplyAdd
{
    // AvxVnni is a preview API in net8.0, the engine's target (stable from .NET 9): the opt-in is these uses only.
#pragma warning disable CA2252
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Sum(Vector256<byte> u, Vector256<sbyte> x) => AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x) =>
        AvxVnni.MultiplyWideningAndAdd(acc, u, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SumOfSmall(Vector256<byte> u1, Vector256<sbyte> x1, Vector256<byte> u2, Vector256<sbyte> x2) =>
        AvxVnni.MultiplyWideningAndAdd(Sum(u1, x1), u2, x2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> AddScaled(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> x, Vector256<short> scales) =>
        AvxVnni.MultiplyWideningAndAdd(acc, Avx2.MultiplyAddAdjacent(u, x), scales);
#pragma warning restore CA2252
}
