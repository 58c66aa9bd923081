using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Causal grouped-query attention over one layer's f16 KV cache for tokens at positions start = position[0].. (q [tokens, heads,
/// headDim]): out = softmax(q·K[0..start+t] * scale) · V[0..start+t], kv head h / (heads / kvHeads). One group takes
/// up to <see cref="Queries"/> consecutive tokens of one head (group index block * heads + h), so a prompt reads each
/// key and value once per block of tokens rather than once per token.
/// Same numerics as the CPU engine (and llama.cpp's CPU flash attention): q rounded to f16, an online softmax whose
/// V accumulator is kept at f16 precision and rescaled when a new maximum appears. The positions go by in chunks of
/// <see cref="Chunk"/>: the chunk's keys and values are copied to shared memory (coalesced), the threads compute
/// the scores (a thread a (token, position) pair, or several a pair when the block has fewer tokens), one thread a token walks them in order for its running maximum and the factors
/// (acc = f16(f16(acc * m_j) + v_j * w_j), m_j = 1 where no new maximum appears, as f16(acc * 1) = acc; positions a
/// token does not see get m_j = 1, w_j = 0, which leave acc as it is), and then every thread applies them to its own
/// dimension (tid) of every token, the accumulators kept in shared memory between chunks.
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 32, Queries = 8;

    /// <summary>The largest head the kernel takes: llama's and qwen2's are 64 or 128.</summary>
    public const int MaxHeadDim = GroupSum.Size;
    private const int RowHalves = MaxHeadDim + 2; // an odd number of words a row: the rows a warp reads sit in different banks
    private const int QueryFloats = MaxHeadDim + 1; // likewise for the two queries a warp's scores read

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 4 * Queries * (QueryFloats + MaxHeadDim) + 2 * 2 * Chunk * RowHalves + 4 * (3 * Queries * Chunk + Queries);

    /// <summary>One step of the accumulator: f16(f16(a * m) + v * w).</summary>
    private static float Step(float a, float v, float m, float w) =>
        DeviceMath.RoundToHalfPrecision(DeviceMath.RoundToHalfPrecision(a * m) + v * w);

    /// <summary>Groups for <paramref name="tokens"/> tokens of <paramref name="heads"/> heads.</summary>
    public static int Groups(int tokens, int heads) => (tokens + Queries - 1) / Queries * heads;

    public static void Run(ArrayView<float> q, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<float> output,
        ArrayView<int> position, int tokens, int heads, int kvHeads, int headDim, float scale)
    {
        int start = position[0];
        var qh = SharedMemory.Allocate<float>(Queries * QueryFloats);
        var acc = SharedMemory.Allocate<float>(Queries * MaxHeadDim);
        var k = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var v = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var partial = SharedMemory.Allocate<float>(Queries * Chunk);
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
        }
        for (int i = tid; i < Queries * MaxHeadDim; i += GroupSum.Size) acc[i] = 0;

        // The scores: (token, position) pairs a thread, or where the block has few tokens, parts of a pair's sum.
        int pairs = count * Chunk, parts = Math.Max(1, GroupSum.Size / pairs);
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
            for (int item = tid; item < pairs * parts; item += GroupSum.Size)
            {
                int pair = item % pairs, part = item / pairs, st = pair / Chunk, sj = pair % Chunk;
                if (sj >= n) continue;
                float s = 0;
                for (int i = part; i < headDim; i += parts) s += qh[st * QueryFloats + i] * DeviceMath.HalfToFloat(k[sj * RowHalves + i]);
                partial[part * pairs + pair] = s;
            }
            Group.Barrier();
            if (tid < Queries)
            {
                // Tokens past count see nothing: their factors (1, 0) leave the accumulators below as they are.
                int visible = tid < count ? start + t0 + tid + 1 - c0 : 0; // positions of this chunk the token sees
                for (int j = 0; j < n; j++)
                {
                    float ms = 1f, ws = 0f;
                    if (j < visible)
                    {
                        float s = partial[tid * Chunk + j];
                        for (int p = 1; p < parts; p++) s += partial[p * pairs + tid * Chunk + j];
                        s *= scale;
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
            for (int d = tid; d < headDim; d += GroupSum.Size)
            {
                // The tokens' accumulators of dimension d side by side, so their chains of roundings overlap.
                float a0 = acc[d], a1 = acc[MaxHeadDim + d], a2 = acc[2 * MaxHeadDim + d], a3 = acc[3 * MaxHeadDim + d];
                float a4 = acc[4 * MaxHeadDim + d], a5 = acc[5 * MaxHeadDim + d], a6 = acc[6 * MaxHeadDim + d], a7 = acc[7 * MaxHeadDim + d];
                for (int j = 0; j < n; j++)
                {
                    float vj = DeviceMath.HalfToFloat(v[j * RowHalves + d]);
                    a0 = Step(a0, vj, rescale[j], weight[j]);
                    if (count == 1) continue;
                    a1 = Step(a1, vj, rescale[Chunk + j], weight[Chunk + j]);
                    a2 = Step(a2, vj, rescale[2 * Chunk + j], weight[2 * Chunk + j]);
                    a3 = Step(a3, vj, rescale[3 * Chunk + j], weight[3 * Chunk + j]);
                    a4 = Step(a4, vj, rescale[4 * Chunk + j], weight[4 * Chunk + j]);
                    a5 = Step(a5, vj, rescale[5 * Chunk + j], weight[5 * Chunk + j]);
                    a6 = Step(a6, vj, rescale[6 * Chunk + j], weight[6 * Chunk + j]);
                    a7 = Step(a7, vj, rescale[7 * Chunk + j], weight[7 * Chunk + j]);
                }
                acc[d] = a0; acc[MaxHeadDim + d] = a1; acc[2 * MaxHeadDim + d] = a2; acc[3 * MaxHeadDim + d] = a3;
                acc[4 * MaxHeadDim + d] = a4; acc[5 * MaxHeadDim + d] = a5; acc[6 * MaxHeadDim + d] = a6; acc[7 * MaxHeadDim + d] = a7;
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
