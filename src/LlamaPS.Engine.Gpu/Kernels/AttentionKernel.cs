using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Causal grouped-query attention over one layer's f16 KV cache for tokens at positions start = position[0].. (q [tokens, heads,
/// headDim]): out = softmax(q·K[0..start+t] * scale) · V[0..start+t], kv head h / (heads / kvHeads). One group takes
/// up to <see cref="Queries"/> consecutive tokens of one head (group index block * heads + h), so a prompt reads each
/// key and value once per block of tokens rather than once per token.
/// Same numerics as the CPU engine (and llama.cpp's CPU flash attention): q rounded to f16, an online softmax whose
/// V accumulator is kept at f16 precision and rescaled when a new maximum appears. The positions go by in chunks of
/// <see cref="Chunk"/>: the chunk's keys and values are copied to shared memory (every thread's loads issued before
/// any store, so a chunk waits on memory once, not once a row), the threads compute the scores (a thread a (token,
/// position) pair, or several a pair when the block has fewer tokens), then each pair's factors from the running
/// maximum before it (a prefix maximum, so all pairs at once rather than one thread a token walking them): where a
/// new maximum appears m_j = exp(old - new), w_j = 1, else m_j = 1, w_j = exp(s_j - max), as the sequential walk
/// gives; positions a token does not see get m_j = 1, w_j = 0, which leave acc as it is. Every thread then applies
/// them to its own dimension (tid) of every token, acc = f16(f16(acc * m_j) + v_j * w_j), the accumulators kept in
/// shared memory between chunks, while one thread a token carries its softmax sum and maximum.
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 32, Queries = 8;

    /// <summary>The largest head the kernel takes: llama's and qwen2's are 64 or 128.</summary>
    public const int MaxHeadDim = GroupSum.Size;
    private const int RowHalves = MaxHeadDim + 2; // V: an odd number of words a row, so the rows a warp reads sit in different banks
    private const int QueryFloats = MaxHeadDim + 1; // likewise for K (kept as floats) and the queries the scores read

    /// <summary>Words of K and V one thread loads before it stores any.</summary>
    private const int Batch = 8;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 4 * Queries * (QueryFloats + MaxHeadDim) + 4 * Chunk * QueryFloats + 2 * Chunk * RowHalves + 4 * (4 * Queries * Chunk + 2 * Queries);

    /// <summary>
    /// One step of the accumulator: f16(f16(a * m) + v * w). The rescale is skipped where m is 1, nearly every step,
    /// as it changes nothing: a already holds an f16 value. m is the same for the whole group, so the branch is too.
    /// </summary>
    private static float Step(float a, float v, float m, float w)
    {
        if (m != 1f) a = DeviceMath.RoundToHalfPrecision(a * m);
        return DeviceMath.RoundToHalfPrecision(a + v * w);
    }

    /// <summary>Groups for <paramref name="tokens"/> tokens of <paramref name="heads"/> heads.</summary>
    public static int Groups(int tokens, int heads) => (tokens + Queries - 1) / Queries * heads;

    /// <summary>keys and values: the layer's cache [contextLength, kvDim] of f16 bits, two to a word.</summary>
    public static void Run(ArrayView<float> q, ArrayView<uint> keys, ArrayView<uint> values, ArrayView<float> output,
        ArrayView<int> position, int tokens, int heads, int kvHeads, int headDim, float scale)
    {
        int start = position[0];
        var qh = SharedMemory.Allocate<float>(Queries * QueryFloats);
        var acc = SharedMemory.Allocate<float>(Queries * MaxHeadDim);
        var k = SharedMemory.Allocate<float>(Chunk * QueryFloats); // widened once here rather than once a score
        var v = SharedMemory.Allocate<ushort>(Chunk * RowHalves);
        var partial = SharedMemory.Allocate<float>(Queries * Chunk);
        var score = SharedMemory.Allocate<float>(Queries * Chunk);
        var rescale = SharedMemory.Allocate<float>(Queries * Chunk);
        var weight = SharedMemory.Allocate<float>(Queries * Chunk);
        var total = SharedMemory.Allocate<float>(Queries);
        var runningMax = SharedMemory.Allocate<float>(Queries);
        int tid = Group.IdxX, h = Grid.IdxX % heads, t0 = Grid.IdxX / heads * Queries;
        int count = Math.Min(Queries, tokens - t0);
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t0 + count;
        int rowWords = headDim / 2, kvWords = kvDim / 2, headWord = offset / 2; // f16 pairs: head dims are even
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            qh[t * QueryFloats + e] = DeviceMath.RoundToHalf(q[((long)(t0 + t) * heads + h) * headDim + e]);
        }
        for (int i = tid; i < Queries * MaxHeadDim; i += GroupSum.Size) acc[i] = 0;
        if (tid < Queries) runningMax[tid] = float.NegativeInfinity;

        // The scores: (token, position) pairs a thread, or where the block has few tokens, parts of a pair's sum.
        int pairs = count * Chunk, parts = Math.Max(1, GroupSum.Size / pairs);
        float sum = 0; // thread t < count: token t's softmax sum
        for (int c0 = 0; c0 < length; c0 += Chunk)
        {
            int n = Math.Min(Chunk, length - c0);
            for (int first = 0; first < n * rowWords; first += Batch * GroupSum.Size)
            {
                int wi = first + tid, limit = n * rowWords, last = length - 1;
                uint k0 = Load(keys, wi, c0, last, rowWords, kvWords, headWord), v0 = Load(values, wi, c0, last, rowWords, kvWords, headWord);
                uint k1 = Load(keys, wi + GroupSum.Size, c0, last, rowWords, kvWords, headWord), v1 = Load(values, wi + GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k2 = Load(keys, wi + 2 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v2 = Load(values, wi + 2 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k3 = Load(keys, wi + 3 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v3 = Load(values, wi + 3 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k4 = Load(keys, wi + 4 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v4 = Load(values, wi + 4 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k5 = Load(keys, wi + 5 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v5 = Load(values, wi + 5 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k6 = Load(keys, wi + 6 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v6 = Load(values, wi + 6 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                uint k7 = Load(keys, wi + 7 * GroupSum.Size, c0, last, rowWords, kvWords, headWord), v7 = Load(values, wi + 7 * GroupSum.Size, c0, last, rowWords, kvWords, headWord);
                Store(k, v, k0, v0, wi, limit, rowWords);
                Store(k, v, k1, v1, wi + GroupSum.Size, limit, rowWords);
                Store(k, v, k2, v2, wi + 2 * GroupSum.Size, limit, rowWords);
                Store(k, v, k3, v3, wi + 3 * GroupSum.Size, limit, rowWords);
                Store(k, v, k4, v4, wi + 4 * GroupSum.Size, limit, rowWords);
                Store(k, v, k5, v5, wi + 5 * GroupSum.Size, limit, rowWords);
                Store(k, v, k6, v6, wi + 6 * GroupSum.Size, limit, rowWords);
                Store(k, v, k7, v7, wi + 7 * GroupSum.Size, limit, rowWords);
            }
            Group.Barrier();
            // Where a pair has one thread (blocks of more than 4 tokens), the thread also takes the pair 128 on: the
            // same position 4 tokens later, so one K read serves both. One loop for both cases: PoCL's barrier
            // regions failed on a branch between two loops here.
            for (int item = tid; item < pairs * parts; item += 2 * GroupSum.Size)
            {
                int pair = item % pairs, part = item / pairs, st = pair / Chunk, sj = pair % Chunk;
                bool second = item + GroupSum.Size < pairs * parts;
                int st1 = second ? st + GroupSum.Size / Chunk : st;
                if (sj >= n) continue;
                float s0 = 0, s1 = 0;
                for (int i = part; i < headDim; i += parts)
                {
                    float ki = k[sj * QueryFloats + i];
                    s0 += qh[st * QueryFloats + i] * ki;
                    s1 += qh[st1 * QueryFloats + i] * ki;
                }
                partial[part * pairs + pair] = s0;
                if (second) partial[pair + GroupSum.Size] = s1;
            }
            Group.Barrier();
            // Each visible pair's score, its parts added in order.
            for (int pair = tid; pair < pairs; pair += GroupSum.Size)
            {
                float s = partial[pair];
                for (int p = 1; p < parts; p++) s += partial[p * pairs + pair];
                score[pair] = s * scale;
            }
            Group.Barrier();
            // Each pair's factors from the maximum before it. Tokens past count see nothing: their factors (1, 0)
            // leave the accumulators below as they are.
            for (int pair = tid; pair < Queries * Chunk; pair += GroupSum.Size)
            {
                int st = pair / Chunk, sj = pair % Chunk;
                float ms = 1f, ws = 0f;
                if (sj < Seen(st, count, start + t0 - c0, n))
                {
                    float before = runningMax[st], s = score[pair];
                    for (int j = 0; j < sj; j++) before = score[st * Chunk + j] > before ? score[st * Chunk + j] : before;
                    if (s > before) { ms = MathF.Exp(before - s); ws = 1f; }
                    else ws = MathF.Exp(s - before);
                }
                rescale[pair] = ms;
                weight[pair] = ws;
            }
            Group.Barrier();
            if (tid < count)
            {
                // This token's sum and maximum, in position order as the sequential walk has them.
                float max = runningMax[tid];
                for (int j = 0, seen = Seen(tid, count, start + t0 - c0, n); j < seen; j++)
                {
                    sum = sum * rescale[tid * Chunk + j] + weight[tid * Chunk + j];
                    max = score[tid * Chunk + j] > max ? score[tid * Chunk + j] : max;
                }
                runningMax[tid] = max;
            }
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

    /// <summary>Positions of a chunk of <paramref name="n"/> that token <paramref name="t"/> of the block sees (it sits at chunk position first + t).</summary>
    private static int Seen(int t, int count, int first, int n) => t < count ? Math.Min(n, Math.Max(0, first + t + 1)) : 0;

    /// <summary>Word wi of the chunk's rows of this head (row wi / rowWords); past the chunk, a row that exists, its value unused.</summary>
    private static uint Load(ArrayView<uint> cache, int wi, int c0, int last, int rowWords, int kvWords, int headWord)
    {
        int row = Math.Min(c0 + wi / rowWords, last);
        return cache[(long)row * kvWords + headWord + wi % rowWords];
    }

    /// <summary>Word wi's two halves into the shared rows, if it lies in the chunk.</summary>
    private static void Store(ArrayView<float> k, ArrayView<ushort> v, uint kw, uint vw, int wi, int limit, int rowWords)
    {
        if (wi >= limit) return;
        int row = wi / rowWords, e = 2 * (wi % rowWords);
        k[row * QueryFloats + e] = DeviceMath.HalfToFloat(kw & 0xFFFF);
        k[row * QueryFloats + e + 1] = DeviceMath.HalfToFloat(kw >> 16);
        v[row * RowHalves + e] = (ushort)vw;
        v[row * RowHalves + e + 1] = (ushort)(vw >> 16);
    }
}
