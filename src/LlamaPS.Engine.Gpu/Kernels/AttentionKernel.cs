using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Causal grouped-query attention over one layer's f16 KV cache, one group per (token, head) (group index
/// t * heads + h): out = softmax(q·K[0..start+t] * scale) · V[0..start+t], kv head h / (heads / kvHeads).
/// Same numerics as the CPU engine (and llama.cpp's CPU flash attention): q rounded to f16, an online softmax whose
/// V accumulator is kept at f16 precision and rescaled when a new maximum appears. Scores are computed in parallel,
/// <see cref="Chunk"/> positions at a time into shared memory; then each thread walks them in order for its own
/// dimensions (tid and tid + 128), all threads keeping the same running maximum and sum.
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 1024;
    public const int MaxHeadDim = 2 * GroupSum.Size;

    public static void Run(ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output,
        int start, int heads, int kvHeads, int headDim, float scale)
    {
        var scores = SharedMemory.Allocate<float>(Chunk);
        var qh = SharedMemory.Allocate<float>(MaxHeadDim);
        int tid = Group.IdxX, item = Grid.IdxX, t = item / heads, h = item % heads;
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t + 1;
        long qBase = (long)item * headDim;
        for (int i = tid; i < headDim; i += GroupSum.Size) qh[i] = DeviceMath.RoundToHalf(q[qBase + i]);
        Group.Barrier();

        int d0 = tid, d1 = tid + GroupSum.Size;
        float acc0 = 0, acc1 = 0, max = float.NegativeInfinity, sum = 0;
        for (int c0 = 0; c0 < length; c0 += Chunk)
        {
            int n = Math.Min(Chunk, length - c0);
            for (int j = tid; j < n; j += GroupSum.Size)
            {
                long k = (long)(c0 + j) * kvDim + offset;
                float s = 0;
                for (int i = 0; i < headDim; i++) s += qh[i] * DeviceMath.HalfToFloat(keys[k + i]);
                scores[j] = s * scale;
            }
            Group.Barrier();
            for (int j = 0; j < n; j++)
            {
                float s = scores[j], ms = 1f, vs = 1f;
                if (s > max)
                {
                    ms = MathF.Exp(max - s);
                    max = s;
                    acc0 = DeviceMath.RoundToHalfPrecision(acc0 * ms);
                    acc1 = DeviceMath.RoundToHalfPrecision(acc1 * ms);
                }
                else
                {
                    vs = MathF.Exp(s - max);
                }
                long v = (long)(c0 + j) * kvDim + offset;
                if (d0 < headDim) acc0 = DeviceMath.RoundToHalfPrecision(acc0 + DeviceMath.HalfToFloat(values[v + d0]) * vs);
                if (d1 < headDim) acc1 = DeviceMath.RoundToHalfPrecision(acc1 + DeviceMath.HalfToFloat(values[v + d1]) * vs);
                sum = sum * ms + vs;
            }
            Group.Barrier();
        }
        float inverse = 1f / sum;
        if (d0 < headDim) output[qBase + d0] = acc0 * inverse;
        if (d1 < headDim) output[qBase + d1] = acc1 * inverse;
    }
}
