using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// One dimension's value accumulators for the <see cref="AttentionKernel.Queries"/> tokens of an attention block,
/// in registers for a chunk of positions and in shared memory between chunks. Each is kept at f16 precision, as
/// ggml's CPU flash attention keeps its f16 accumulator: a position's step is acc = f16(f16(acc * m) + v * w).
/// </summary>
public struct AttentionAccumulators
{
    public float A0, A1, A2, A3, A4, A5, A6, A7;

    /// <summary>
    /// One position: <paramref name="v"/> the position's value in this dimension, <paramref name="w03"/> and
    /// <paramref name="w47"/> the 8 tokens' weights w, <paramref name="rescaled"/> nonzero where some
    /// token's maximum moved there, <paramref name="m"/> the tokens' factors m at stride <see cref="AttentionKernel.Chunk"/>.
    /// The rescale f16(acc * m) changes nothing where m is 1 (acc already holds an f16 value), nearly every step, so it
    /// runs only where flagged. With <paramref name="single"/> (a block of one token) only token 0 is computed.
    /// </summary>
    public void Position(float v, Float4 w03, Float4 w47, int rescaled, ArrayView<float> m, bool single)
    {
        const int Chunk = AttentionKernel.Chunk;
        if (rescaled != 0)
        {
            A0 = Rescale(A0, m[0]); A1 = Rescale(A1, m[Chunk]); A2 = Rescale(A2, m[2 * Chunk]); A3 = Rescale(A3, m[3 * Chunk]);
            A4 = Rescale(A4, m[4 * Chunk]); A5 = Rescale(A5, m[5 * Chunk]); A6 = Rescale(A6, m[6 * Chunk]); A7 = Rescale(A7, m[7 * Chunk]);
        }
        A0 = Accumulate(A0, v, w03.X);
        if (single) return;
        A1 = Accumulate(A1, v, w03.Y);
        A2 = Accumulate(A2, v, w03.Z);
        A3 = Accumulate(A3, v, w03.W);
        A4 = Accumulate(A4, v, w47.X);
        A5 = Accumulate(A5, v, w47.Y);
        A6 = Accumulate(A6, v, w47.Z);
        A7 = Accumulate(A7, v, w47.W);
    }

    /// <summary>The accumulators from shared memory, token t's at t * <see cref="AttentionKernel.MaxHeadDim"/> of <paramref name="shared"/>.</summary>
    public static AttentionAccumulators Load(ArrayView<float> shared)
    {
        const int Stride = AttentionKernel.MaxHeadDim;
        return new AttentionAccumulators
        {
            A0 = shared[0], A1 = shared[Stride], A2 = shared[2 * Stride], A3 = shared[3 * Stride],
            A4 = shared[4 * Stride], A5 = shared[5 * Stride], A6 = shared[6 * Stride], A7 = shared[7 * Stride],
        };
    }

    /// <summary>Back to where <see cref="Load"/> read them.</summary>
    public readonly void Store(ArrayView<float> shared)
    {
        const int Stride = AttentionKernel.MaxHeadDim;
        shared[0] = A0; shared[Stride] = A1; shared[2 * Stride] = A2; shared[3 * Stride] = A3;
        shared[4 * Stride] = A4; shared[5 * Stride] = A5; shared[6 * Stride] = A6; shared[7 * Stride] = A7;
    }

    private static float Rescale(float a, float m) => m != 1f ? DeviceMath.RoundToHalfPrecision(a * m) : a;

    private static float Accumulate(float a, float v, float w) => DeviceMath.RoundToHalfPrecision(a + v * w);
}
