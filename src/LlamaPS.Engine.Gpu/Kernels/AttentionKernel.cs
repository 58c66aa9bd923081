using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Causal grouped-query attention over one layer's f16 KV cache, one group per (token, head) (group index
/// t * heads + h): out = softmax(q·K[0..start+t] * scale) · V[0..start+t], kv head h / (heads / kvHeads).
/// Same numerics as the CPU engine (and llama.cpp's CPU flash attention): q rounded to f16, an online softmax whose
/// V accumulator is kept at f16 precision and rescaled when a new maximum appears. The positions go by in chunks of
/// <see cref="Chunk"/>: the chunk's keys and values are copied to shared memory (coalesced), four threads a
/// position compute the scores, one thread walks them in order for the running maximum and the factors
/// (acc = f16(f16(acc * m_j) + v_j * w_j), m_j = 1 where no new maximum appears, as f16(acc * 1) = acc), and then
/// every thread applies them to its own dimensions (tid and tid + 128).
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 32;
    public const int MaxHeadDim = 2 * GroupSum.Size;
    private const int RowHalves = MaxHeadDim + 2; // an odd number of words a row: the 8 rows a warp reads sit in 8 banks

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 4 * MaxHeadDim + 2 * 2 * Chunk * RowHalves + 4 * (6 * Chunk + 1);

    public static void Run(ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output,
        int start, int heads, int kvHeads, int headDim, float scale)
    {
        var qh = SharedMemory.Allocate<float>(MaxHeadDim);
        var k = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var v = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var partial = SharedMemory.Allocate<float>(4 * Chunk);
        var rescale = SharedMemory.Allocate<float>(Chunk);
        var weight = SharedMemory.Allocate<float>(Chunk);
        var total = SharedMemory.Allocate<float>(1);
        int tid = Group.IdxX, item = Grid.IdxX, t = item / heads, h = item % heads;
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t + 1;
        long qBase = (long)item * headDim;
        for (int i = tid; i < headDim; i += GroupSum.Size) qh[i] = DeviceMath.RoundToHalf(q[qBase + i]);

        int d0 = tid, d1 = tid + GroupSum.Size, position = tid / 4, part = tid % 4;
        float acc0 = 0, acc1 = 0, max = float.NegativeInfinity, sum = 0; // max and sum: thread 0's
        for (int c0 = 0; c0 < length; c0 += Chunk)
        {
            int n = Math.Min(Chunk, length - c0);
            for (int i = tid; i < n * headDim; i += GroupSum.Size)
            {
                int j = i / headDim, e = i % headDim;
                long at = (long)(c0 + j) * kvDim + offset + e;
                k[j * RowHalves + e] = keys[at];
                v[j * RowHalves + e] = values[at];
            }
            Group.Barrier();
            if (position < n)
            {
                float s = 0;
                for (int i = part; i < headDim; i += 4) s += qh[i] * DeviceMath.HalfToFloat(k[position * RowHalves + i]);
                partial[part * Chunk + position] = s;
            }
            Group.Barrier();
            if (tid == 0)
            {
                for (int j = 0; j < n; j++)
                {
                    float s = (partial[j] + partial[Chunk + j] + partial[2 * Chunk + j] + partial[3 * Chunk + j]) * scale;
                    float ms = 1f, ws = 1f;
                    if (s > max)
                    {
                        ms = MathF.Exp(max - s);
                        max = s;
                    }
                    else
                    {
                        ws = MathF.Exp(s - max);
                    }
                    rescale[j] = ms;
                    weight[j] = ws;
                    sum = sum * ms + ws;
                }
                total[0] = sum;
            }
            Group.Barrier();
            for (int j = 0; j < n; j++)
            {
                float ms = rescale[j], ws = weight[j];
                if (d0 < headDim) acc0 = DeviceMath.RoundToHalfPrecision(DeviceMath.RoundToHalfPrecision(acc0 * ms) + DeviceMath.HalfToFloat(v[j * RowHalves + d0]) * ws);
                if (d1 < headDim) acc1 = DeviceMath.RoundToHalfPrecision(DeviceMath.RoundToHalfPrecision(acc1 * ms) + DeviceMath.HalfToFloat(v[j * RowHalves + d1]) * ws);
            }
            Group.Barrier();
        }
        float inverse = 1f / total[0];
        if (d0 < headDim) output[qBase + d0] = acc0 * inverse;
        if (d1 < headDim) output[qBase + d1] = acc1 * inverse;
    }
}
