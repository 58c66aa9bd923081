using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu.Kernels;

/// <summary>How a float weight type (F32, F16, BF16) reads as f32 for <see cref="FloatTile{TWeights}"/>: exactly, 8 at a time in a register.</summary>
internal unsafe interface IFloatWeights
{
    /// <summary>Weights k..k+7 of the row as f32.</summary>
    static abstract Vector256<float> Eight(byte* row, int k);

    /// <summary>Weight k of the row as f32.</summary>
    static abstract float One(byte* row, int k);
}

/// <summary>
/// The AVX2 products of the float weight types with f32 activations (the F32, F16Rounded and BF16Rounded formats),
/// all from one 2-row core: the prompt tile (2 rows by 4 tokens), and for one token rows two at a time (two sums in
/// flight; one would wait on each multiply-add's latency). The core widens each 8 weights of both rows once for all
/// its tokens (not once per token as repeated one-token products would) and loads each activation vector once for
/// both rows, with the sums in registers. Every (row, token) takes the same f32 steps, whichever shape it came in,
/// so a token's result does not depend on the batch it came in.
/// </summary>
internal static unsafe class FloatTile<TWeights> where TWeights : struct, IFloatWeights
{
    public const int TileRows = 2, TileTokens = 4;

    /// <summary>y[t * yStride + r] for 2 rows and 4 tokens (activation rows <paramref name="aStride"/> bytes apart).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride) =>
        Products(row, rowStride, activations, aStride, n, y, yStride, TileTokens);

    /// <summary>y[r] = row r · activations for <paramref name="rows"/> rows <paramref name="rowStride"/> bytes apart (one token).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void DotRows(byte* row, long rowStride, byte* activations, int n, float* y, int rows)
    {
        int r = 0;
        for (; r + 2 <= rows; r += 2) Products(row + r * rowStride, rowStride, activations, 0, n, y + r, 0, 1);
        if (r < rows) y[r] = Dot(row + r * rowStride, activations, n);
    }

    /// <summary>One row's product with one token: the core with the row as both of its rows.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* row, byte* activations, int n)
    {
        float* y = stackalloc float[2];
        Products(row, 0, activations, 0, n, y, 0, 1);
        return y[0];
    }

    /// <summary>
    /// y[t * yStride + r] for 2 rows and <paramref name="tokens"/> (1 or 4) tokens; inlined where
    /// <paramref name="tokens"/> is a constant, so the sums of absent tokens and their steps fold away.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Products(byte* row, long rowStride, byte* activations, long aStride, int n, float* y, long yStride, int tokens)
    {
        byte* row1 = row + rowStride;
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        var a = (float*)activations;
        int k = 0;
        for (; k + 8 <= n; k += 8)
        {
            Vector256<float> w0 = TWeights.Eight(row, k), w1 = TWeights.Eight(row1, k);
            Step(a + k, w0, w1, ref c00, ref c10);
            if (tokens == 1) continue;
            Step((float*)((byte*)a + aStride) + k, w0, w1, ref c01, ref c11);
            Step((float*)((byte*)a + 2 * aStride) + k, w0, w1, ref c02, ref c12);
            Step((float*)((byte*)a + 3 * aStride) + k, w0, w1, ref c03, ref c13);
        }
        for (int t = 0; t < tokens; t++)
        {
            // Left-over columns (n not a multiple of 8), then the vector sums.
            float* x = (float*)((byte*)a + t * aStride);
            float tail0 = 0, tail1 = 0;
            for (int j = k; j < n; j++)
            {
                tail0 += TWeights.One(row, j) * x[j];
                tail1 += TWeights.One(row1, j) * x[j];
            }
            Vector256<float> s0 = t == 0 ? c00 : t == 1 ? c01 : t == 2 ? c02 : c03;
            Vector256<float> s1 = t == 0 ? c10 : t == 1 ? c11 : t == 2 ? c12 : c13;
            y[t * yStride] = Vector256.Sum(s0) + tail0;
            y[t * yStride + 1] = Vector256.Sum(s1) + tail1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* x, Vector256<float> w0, Vector256<float> w1, ref Vector256<float> c0, ref Vector256<float> c1)
    {
        Vector256<float> v = Vector256.Load(x);
        c0 = Fma.MultiplyAdd(w0, v, c0);
        c1 = Fma.MultiplyAdd(w1, v, c1);
    }
}
