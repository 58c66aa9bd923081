using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>
/// How a float weight type (F32, F16, BF16) reads as f32 for <see cref="FloatTile{TWeights}"/>: a chunk of a row
/// widened exactly, or the row itself where it already is f32.
/// </summary>
internal unsafe interface IFloatWeights
{
    /// <summary>Bytes per weight.</summary>
    static abstract int ElementBytes { get; }

    /// <summary>The <paramref name="n"/> weights at <paramref name="row"/> as f32: <paramref name="scratch"/> filled with them, or the row itself.</summary>
    static abstract float* Widen(byte* row, float* scratch, int n);
}

/// <summary>
/// The prompt tile of the float weight types: 2 weight rows by 4 tokens of f32 activations (the F32, F16Rounded and
/// BF16Rounded formats). Each chunk of both rows is widened once for 4 tokens (not once per token as repeated
/// one-token products would), and each activation vector is loaded once for both rows, with the 8 sums in registers.
/// </summary>
internal static unsafe class FloatTile<TWeights> where TWeights : struct, IFloatWeights
{
    public const int TileRows = 2, TileTokens = 4;

    // Values widened at a time: two rows of them stay in L1 beside four tokens' activations.
    private const int Chunk = 512;

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride)
    {
        float* scratch0 = stackalloc float[Chunk], scratch1 = stackalloc float[Chunk];
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        // Left-over columns (n not a multiple of 8), per token: row 0's in tail[2t], row 1's in tail[2t + 1].
        float* tail = stackalloc float[TileRows * TileTokens];
        for (int i = 0; i < TileRows * TileTokens; i++) tail[i] = 0;
        for (int k0 = 0; k0 < n; k0 += Chunk)
        {
            int len = Math.Min(Chunk, n - k0);
            float* w0 = TWeights.Widen(row + (long)k0 * TWeights.ElementBytes, scratch0, len);
            float* w1 = TWeights.Widen(row + rowStride + (long)k0 * TWeights.ElementBytes, scratch1, len);
            float* a = (float*)(activations + 4L * k0);
            int k = 0;
            for (; k + 8 <= len; k += 8)
            {
                Vector256<float> v0 = Vector256.Load(w0 + k), v1 = Vector256.Load(w1 + k);
                Step((float*)((byte*)a + 0 * aStride) + k, v0, v1, ref c00, ref c10);
                Step((float*)((byte*)a + 1 * aStride) + k, v0, v1, ref c01, ref c11);
                Step((float*)((byte*)a + 2 * aStride) + k, v0, v1, ref c02, ref c12);
                Step((float*)((byte*)a + 3 * aStride) + k, v0, v1, ref c03, ref c13);
            }
            for (; k < len; k++)
                for (int t = 0; t < TileTokens; t++)
                {
                    float x = ((float*)((byte*)a + t * aStride))[k];
                    tail[2 * t] += w0[k] * x;
                    tail[2 * t + 1] += w1[k] * x;
                }
        }
        y[0] = Vector256.Sum(c00) + tail[0]; y[1] = Vector256.Sum(c10) + tail[1];
        y[yStride] = Vector256.Sum(c01) + tail[2]; y[yStride + 1] = Vector256.Sum(c11) + tail[3];
        y[2 * yStride] = Vector256.Sum(c02) + tail[4]; y[2 * yStride + 1] = Vector256.Sum(c12) + tail[5];
        y[3 * yStride] = Vector256.Sum(c03) + tail[6]; y[3 * yStride + 1] = Vector256.Sum(c13) + tail[7];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* x, Vector256<float> w0, Vector256<float> w1, ref Vector256<float> c0, ref Vector256<float> c1)
    {
        Vector256<float> v = Vector256.Load(x);
        c0 = Fma.MultiplyAdd(w0, v, c0);
        c1 = Fma.MultiplyAdd(w1, v, c1);
    }
}
