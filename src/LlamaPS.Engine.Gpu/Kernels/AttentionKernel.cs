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
    private const int RowFloats = MaxHeadDim + 1; // an odd number of words a row: the rows a warp reads sit in different banks

    /// <summary>Words of K and V one thread loads before it stores any.</summary>
    private const int Batch = 8;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 4 * Queries * (RowFloats + MaxHeadDim) + 2 * 4 * Chunk * RowFloats + 4 * (4 * Queries * Chunk + 2 * Queries + Chunk);

    /// <summary>
    /// The accumulator's step f16(f16(a * m) + v * w) in two parts. The rescale f16(a * m) changes nothing where m
    /// is 1 (a already holds an f16 value), which is nearly every step, so the kernel runs it only at positions where
    /// some token's maximum moved.
    /// </summary>
    private static float Rescale(float a, float m) => m != 1f ? DeviceMath.RoundToHalfPrecision(a * m) : a;

    private static float Accumulate(float a, float v, float w) => DeviceMath.RoundToHalfPrecision(a + v * w);

    /// <summary>Groups for <paramref name="tokens"/> tokens of <paramref name="heads"/> heads.</summary>
    public static int Groups(int tokens, int heads) => (tokens + Queries - 1) / Queries * heads;

    /// <summary>keys and values: the layer's cache [contextLength, kvDim] of f16 bits, two to a word.</summary>
    public static void Run(ArrayView<float> q, ArrayView<uint> keys, ArrayView<uint> values, ArrayView<float> output,
        ArrayView<int> position, int tokens, int heads, int kvHeads, int headDim, float scale)
    {
        int start = position[0];
        var qh = SharedMemory.Allocate<float>(Queries * RowFloats);
        var acc = SharedMemory.Allocate<float>(Queries * MaxHeadDim);
        // K and V rows widened to float once as they are staged, rather than once a score or a token.
        var k = SharedMemory.Allocate<float>(Chunk * RowFloats);
        var v = SharedMemory.Allocate<float>(Chunk * RowFloats);
        var partial = SharedMemory.Allocate<float>(Queries * Chunk);
        var score = SharedMemory.Allocate<float>(Queries * Chunk);
        var rescale = SharedMemory.Allocate<float>(Queries * Chunk);
        var weight = SharedMemory.Allocate<float>(Chunk * Queries); // [position][token]: a position's 8 side by side
        var rescaled = SharedMemory.Allocate<int>(Chunk); // bit t: token t's factor m at that position is not 1
        var total = SharedMemory.Allocate<float>(Queries);
        var runningMax = SharedMemory.Allocate<float>(Queries);
        int tid = Group.IdxX, h = Grid.IdxX % heads, t0 = Grid.IdxX / heads * Queries;
        int count = Math.Min(Queries, tokens - t0);
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t0 + count, last = length - 1;
        int rowWords = headDim / 2, kvWords = kvDim / 2, headWord = offset / 2; // f16 pairs: head dims are even
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            qh[t * RowFloats + e] = DeviceMath.RoundToHalf(q[((long)(t0 + t) * heads + h) * headDim + e]);
        }
        for (int i = tid; i < Queries * MaxHeadDim; i += GroupSum.Size) acc[i] = 0;
        if (tid < Queries) runningMax[tid] = float.NegativeInfinity;

        // The scores: (token, position) pairs a thread, or where the block has few tokens, parts of a pair's sum.
        int pairs = count * Chunk, parts = Math.Max(1, GroupSum.Size / pairs);
        float sum = 0; // thread t < count: token t's softmax sum
        for (int c0 = 0; c0 < length; c0 += Chunk)
        {
            int n = Math.Min(Chunk, length - c0), limit = n * rowWords;
            for (int first = 0; first < limit; first += Batch * GroupSum.Size)
            {
                int wi = first + tid;
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
                // Two terms a round, in the same order (head dims are multiples of 8, so of 2 * parts).
                for (int i = part; i < headDim; i += 2 * parts)
                {
                    float ka = k[sj * RowFloats + i], kb = k[sj * RowFloats + i + parts];
                    s0 += qh[st * RowFloats + i] * ka;
                    s1 += qh[st1 * RowFloats + i] * ka;
                    s0 += qh[st * RowFloats + i + parts] * kb;
                    s1 += qh[st1 * RowFloats + i + parts] * kb;
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
                weight[sj * Queries + st] = ws;
            }
            Group.Barrier();
            if (tid < Chunk)
            {
                // Written out, not a loop: PoCL fails on a fixed-count loop under a branch in a loop with barriers.
                rescaled[tid] = (rescale[tid] != 1f ? 1 : 0) | (rescale[Chunk + tid] != 1f ? 2 : 0) | (rescale[2 * Chunk + tid] != 1f ? 4 : 0)
                    | (rescale[3 * Chunk + tid] != 1f ? 8 : 0) | (rescale[4 * Chunk + tid] != 1f ? 16 : 0) | (rescale[5 * Chunk + tid] != 1f ? 32 : 0)
                    | (rescale[6 * Chunk + tid] != 1f ? 64 : 0) | (rescale[7 * Chunk + tid] != 1f ? 128 : 0);
            }
            Group.Barrier();
            if (tid < count)
            {
                // This token's sum and maximum, in position order as the sequential walk has them.
                float max = runningMax[tid];
                for (int j = 0, seen = Seen(tid, count, start + t0 - c0, n); j < seen; j++)
                {
                    sum = sum * rescale[tid * Chunk + j] + weight[j * Queries + tid];
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
                    float vj = v[j * RowFloats + d];
                    if (rescaled[j] != 0)
                    {
                        a0 = Rescale(a0, rescale[j]); a1 = Rescale(a1, rescale[Chunk + j]);
                        a2 = Rescale(a2, rescale[2 * Chunk + j]); a3 = Rescale(a3, rescale[3 * Chunk + j]);
                        a4 = Rescale(a4, rescale[4 * Chunk + j]); a5 = Rescale(a5, rescale[5 * Chunk + j]);
                        a6 = Rescale(a6, rescale[6 * Chunk + j]); a7 = Rescale(a7, rescale[7 * Chunk + j]);
                    }
                    int w = j * Queries;
                    a0 = Accumulate(a0, vj, weight[w]);
                    if (count == 1) continue;
                    a1 = Accumulate(a1, vj, weight[w + 1]);
                    a2 = Accumulate(a2, vj, weight[w + 2]);
                    a3 = Accumulate(a3, vj, weight[w + 3]);
                    a4 = Accumulate(a4, vj, weight[w + 4]);
                    a5 = Accumulate(a5, vj, weight[w + 5]);
                    a6 = Accumulate(a6, vj, weight[w + 6]);
                    a7 = Accumulate(a7, vj, weight[w + 7]);
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
    private static void Store(ArrayView<float> k, ArrayView<float> v, uint kw, uint vw, int wi, int limit, int rowWords)
    {
        if (wi >= limit) return;
        int at = wi / rowWords * RowFloats + 2 * (wi % rowWords);
        k[at] = DeviceMath.HalfToFloat(kw & 0xFFFF);
        k[at + 1] = DeviceMath.HalfToFloat(kw >> 16);
        v[at] = DeviceMath.HalfToFloat(vw & 0xFFFF);
        v[at + 1] = DeviceMath.HalfToFloat(vw >> 16);
    }
}
