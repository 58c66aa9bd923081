using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Causal grouped-query attention over one layer's f16 KV cache for tokens at positions start.. (q [tokens, heads,
/// headDim]): out = softmax(q·K[0..start+t] * scale) · V[0..start+t], kv head h / (heads / kvHeads). One group takes
/// up to <see cref="Queries"/> consecutive tokens of one head (group index block * heads + h), so a prompt reads each
/// key and value once per block of tokens rather than once per token.
/// Same numerics as the CPU engine (and llama.cpp's CPU flash attention): q rounded to f16, an online softmax whose
/// V accumulator is kept at f16 precision and rescaled when a new maximum appears. The positions go by in chunks of
/// <see cref="Chunk"/>: the chunk's keys and values are copied to shared memory (coalesced), a thread a (token,
/// position) computes the scores, one thread a token walks them in order for its running maximum and the factors
/// (acc = f16(f16(acc * m_j) + v_j * w_j), m_j = 1 where no new maximum appears, as f16(acc * 1) = acc; positions a
/// token does not see get m_j = 1, w_j = 0, which leave acc as it is), and then every thread applies them to its own
/// dimensions (tid and tid + 128) of every token, the accumulators in shared memory.
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 16, Queries = 8;
    public const int MaxHeadDim = 2 * GroupSum.Size;
    private const int RowHalves = MaxHeadDim + 2; // an odd number of words a row: the rows a warp reads sit in different banks
    private const int QueryFloats = MaxHeadDim + 1; // likewise for the two queries a warp's scores read

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 4 * Queries * (QueryFloats + MaxHeadDim) + 2 * 2 * Chunk * RowHalves + 4 * (3 * Queries * Chunk + Queries);

    /// <summary>Groups for <paramref name="tokens"/> tokens of <paramref name="heads"/> heads.</summary>
    public static int Groups(int tokens, int heads) => (tokens + Queries - 1) / Queries * heads;

    public static void Run(ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output,
        int start, int tokens, int heads, int kvHeads, int headDim, float scale)
    {
        var qh = SharedMemory.Allocate<float>(Queries * QueryFloats);
        var acc = SharedMemory.Allocate<float>(Queries * MaxHeadDim);
        var k = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var v = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var score = SharedMemory.Allocate<float>(Queries * Chunk);
        var rescale = SharedMemory.Allocate<float>(Queries * Chunk);
        var weight = SharedMemory.Allocate<float>(Queries * Chunk);
        var total = SharedMemory.Allocate<float>(Queries);
        int tid = Group.IdxX, h = Grid.IdxX % heads, t0 = Grid.IdxX / heads * Queries;
        int count = Math.Min(Queries, tokens - t0);
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t0 + count;
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            qh[t * QueryFloats + e] = DeviceMath.RoundToHalf(q[((long)(t0 + t) * heads + h) * headDim + e]);
            acc[t * MaxHeadDim + e] = 0;
        }

        int st = tid / Chunk, sj = tid % Chunk; // the score this thread computes: token st, position sj of the chunk
        float max = float.NegativeInfinity, sum = 0; // thread t < count: token t's
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
            if (st < count && sj < n)
            {
                float s = 0;
                for (int i = 0; i < headDim; i++) s += qh[st * QueryFloats + i] * DeviceMath.HalfToFloat(k[sj * RowHalves + i]);
                score[st * Chunk + sj] = s * scale;
            }
            Group.Barrier();
            if (tid < count)
            {
                int visible = start + t0 + tid + 1 - c0; // positions of this chunk the token sees
                for (int j = 0; j < n; j++)
                {
                    float ms = 1f, ws = 0f;
                    if (j < visible)
                    {
                        float s = score[tid * Chunk + j];
                        ws = 1f;
                        if (s > max)
                        {
                            ms = MathF.Exp(max - s);
                            max = s;
                        }
                        else
                        {
                            ws = MathF.Exp(s - max);
                        }
                        sum = sum * ms + ws;
                    }
                    rescale[tid * Chunk + j] = ms;
                    weight[tid * Chunk + j] = ws;
                }
            }
            Group.Barrier();
            for (int t = 0; t < count; t++)
            {
                for (int d = tid; d < headDim; d += GroupSum.Size)
                {
                    float a = acc[t * MaxHeadDim + d];
                    for (int j = 0; j < n; j++)
                        a = DeviceMath.RoundToHalfPrecision(DeviceMath.RoundToHalfPrecision(a * rescale[t * Chunk + j]) + DeviceMath.HalfToFloat(v[j * RowHalves + d]) * weight[t * Chunk + j]);
                    acc[t * MaxHeadDim + d] = a;
                }
            }
            Group.Barrier();
        }
        if (tid < count) total[tid] = sum;
        Group.Barrier();
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            output[((long)(t0 + t) * heads + h) * headDim + e] = acc[t * MaxHeadDim + e] * (1f / total[t]);
        }
    }
}
