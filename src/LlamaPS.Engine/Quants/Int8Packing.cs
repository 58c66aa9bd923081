using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Quants;

/// <summary>The AVX2 step the 8-bit activation quantizers (<see cref="BlockQ8_0"/>, <see cref="BlockQ8_K"/>) share.</summary>
internal static unsafe class Int8Packing
{
    // The packs below interleave 128-bit lanes; this permutation undoes it.
    private static readonly Vector256<int> LaneOrder = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);

    /// <summary>
    /// q[0..32) = min(round-half-even(x[i] * scale), top) as signed bytes (saturating). Requires AVX2.
    /// </summary>
    public static void Store32(float* x, Vector256<float> scale, Vector256<float> top, sbyte* q)
    {
        Vector256<int> i0 = Avx.ConvertToVector256Int32(Vector256.Min(Avx.RoundToNearestInteger(Vector256.Load(x) * scale), top));
        Vector256<int> i1 = Avx.ConvertToVector256Int32(Vector256.Min(Avx.RoundToNearestInteger(Vector256.Load(x + 8) * scale), top));
        Vector256<int> i2 = Avx.ConvertToVector256Int32(Vector256.Min(Avx.RoundToNearestInteger(Vector256.Load(x + 16) * scale), top));
        Vector256<int> i3 = Avx.ConvertToVector256Int32(Vector256.Min(Avx.RoundToNearestInteger(Vector256.Load(x + 24) * scale), top));
        Vector256<sbyte> packed = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
        Avx2.PermuteVar8x32(packed.AsInt32(), LaneOrder).AsSByte().Store(q);
    }
}
