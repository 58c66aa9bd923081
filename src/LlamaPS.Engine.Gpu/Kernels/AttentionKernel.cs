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
/// shared memory between chunks (<see cref="AttentionAccumulators"/>; held in registers across the barriers, PoCL
/// lost them), while one thread a token carries its softmax sum and maximum. Reads from shared memory go through views made once where the offsets then are constants, and
/// q and K are read 16 bytes at a time: ILGPU's indexing, redone at every access, took most of the instructions.
/// </summary>
public static class AttentionKernel
{
    public const int Chunk = 32, Queries = 8;

    /// <summary>The largest head the kernel takes: llama's and qwen2's are 64 or 128.</summary>
    public const int MaxHeadDim = GroupSum.Size;

    // K rows 4 words longer than the longest head: 16-byte reads of 8 rows at one offset (a quarter warp) then fall in
    // 8 different groups of 4 banks. V rows are read a word a thread, any stride.
    private const int RowFloats = MaxHeadDim + 4, RowQuads = RowFloats / 4, HeadQuads = MaxHeadDim / 4;

    /// <summary>Words of K and V one thread loads before it stores any.</summary>
    private const int Batch = 8;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public const int SharedBytes = 2 * 4 * Queries * MaxHeadDim + 4 * Chunk * (RowFloats + MaxHeadDim) + 4 * (3 * Queries * Chunk + 2 * Queries + Chunk);

    /// <summary>Groups for <paramref name="tokens"/> tokens of <paramref name="heads"/> heads.</summary>
    public static int Groups(int tokens, int heads) => (tokens + Queries - 1) / Queries * heads;

    /// <summary>keys and values: the layer's cache [contextLength, kvDim] of f16 bits, two to a word.</summary>
    public static void Run(ArrayView<float> q, ArrayView<uint> keys, ArrayView<uint> values, ArrayView<float> output,
        ArrayView<int> position, int tokens, int heads, int kvHeads, int headDim, float scale)
    {
        int start = position[0];
        // q and K in 16-byte groups (allocated as such, so aligned for 16-byte reads), also read a float at a time.
        var qh4 = SharedMemory.Allocate<Float4>(Queries * HeadQuads);
        var k4 = SharedMemory.Allocate<Float4>(Chunk * RowQuads);
        // K and V rows widened to float once as they are staged, rather than once a score or a token.
        var v = SharedMemory.Allocate<float>(Chunk * MaxHeadDim);
        var accumulators = SharedMemory.Allocate<float>(Queries * MaxHeadDim); // [token][dimension]
        var score = SharedMemory.Allocate<float>(Queries * Chunk); // parts of the scores, then (added in place) the scores
        var rescale = SharedMemory.Allocate<float>(Queries * Chunk);
        var weight4 = SharedMemory.Allocate<Float4>(Chunk * Queries / 4); // [position][token]: a position's 8 side by side
        var rescaled = SharedMemory.Allocate<int>(Chunk); // bit t: token t's factor m at that position is not 1
        var total = SharedMemory.Allocate<float>(Queries);
        var runningMax = SharedMemory.Allocate<float>(Queries);
        ArrayView<float> qh = qh4.Cast<float>(), k = k4.Cast<float>(), weight = weight4.Cast<float>();
        int tid = Group.IdxX, h = Grid.IdxX % heads, t0 = Grid.IdxX / heads * Queries;
        int count = Math.Min(Queries, tokens - t0);
        int kvDim = kvHeads * headDim, offset = h / (heads / kvHeads) * headDim, length = start + t0 + count, last = length - 1;
        int rowWords = headDim / 2, kvWords = kvDim / 2, headWord = offset / 2; // f16 pairs: head dims are even
        float inverseRowWords = 1f / rowWords;
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            qh[t * MaxHeadDim + e] = DeviceMath.RoundToHalf(q[((long)(t0 + t) * heads + h) * headDim + e]);
        }
        for (int i = tid; i < Queries * MaxHeadDim; i += GroupSum.Size) accumulators[i] = 0;
        if (tid < Queries) runningMax[tid] = float.NegativeInfinity;

        // The scores: (token, position) pairs a thread, or where the block has few tokens, parts of a pair's sum.
        int pairs = count * Chunk, parts = Math.Max(1, GroupSum.Size / pairs), quads = headDim >> 2;
        float sum = 0; // thread t < count: token t's softmax sum
        for (int c0 = 0; c0 < length; c0 += Chunk)
        {
            // Rows up to a multiple of 4 are staged (past the chunk, the last row again, whose weights are 0), so
            // that the value loop takes 4 positions a round.
            int n = Math.Min(Chunk, length - c0), n4 = (n + 3) & ~3, limit = n4 * rowWords;
            for (int first = 0; first < limit; first += Batch * GroupSum.Size)
            {
                int w0 = first + tid, w1 = w0 + GroupSum.Size, w2 = w0 + 2 * GroupSum.Size, w3 = w0 + 3 * GroupSum.Size;
                int w4 = w0 + 4 * GroupSum.Size, w5 = w0 + 5 * GroupSum.Size, w6 = w0 + 6 * GroupSum.Size, w7 = w0 + 7 * GroupSum.Size;
                int r0 = Row(w0, inverseRowWords), r1 = Row(w1, inverseRowWords), r2 = Row(w2, inverseRowWords), r3 = Row(w3, inverseRowWords);
                int r4 = Row(w4, inverseRowWords), r5 = Row(w5, inverseRowWords), r6 = Row(w6, inverseRowWords), r7 = Row(w7, inverseRowWords);
                uint k0 = Load(keys, w0, r0, c0, last, rowWords, kvWords, headWord), v0 = Load(values, w0, r0, c0, last, rowWords, kvWords, headWord);
                uint k1 = Load(keys, w1, r1, c0, last, rowWords, kvWords, headWord), v1 = Load(values, w1, r1, c0, last, rowWords, kvWords, headWord);
                uint k2 = Load(keys, w2, r2, c0, last, rowWords, kvWords, headWord), v2 = Load(values, w2, r2, c0, last, rowWords, kvWords, headWord);
                uint k3 = Load(keys, w3, r3, c0, last, rowWords, kvWords, headWord), v3 = Load(values, w3, r3, c0, last, rowWords, kvWords, headWord);
                uint k4w = Load(keys, w4, r4, c0, last, rowWords, kvWords, headWord), v4 = Load(values, w4, r4, c0, last, rowWords, kvWords, headWord);
                uint k5 = Load(keys, w5, r5, c0, last, rowWords, kvWords, headWord), v5 = Load(values, w5, r5, c0, last, rowWords, kvWords, headWord);
                uint k6 = Load(keys, w6, r6, c0, last, rowWords, kvWords, headWord), v6 = Load(values, w6, r6, c0, last, rowWords, kvWords, headWord);
                uint k7 = Load(keys, w7, r7, c0, last, rowWords, kvWords, headWord), v7 = Load(values, w7, r7, c0, last, rowWords, kvWords, headWord);
                Store(k, v, k0, v0, w0, r0, limit, rowWords);
                Store(k, v, k1, v1, w1, r1, limit, rowWords);
                Store(k, v, k2, v2, w2, r2, limit, rowWords);
                Store(k, v, k3, v3, w3, r3, limit, rowWords);
                Store(k, v, k4w, v4, w4, r4, limit, rowWords);
                Store(k, v, k5, v5, w5, r5, limit, rowWords);
                Store(k, v, k6, v6, w6, r6, limit, rowWords);
                Store(k, v, k7, v7, w7, r7, limit, rowWords);
            }
            Group.Barrier();
            // Where a pair has one thread (blocks of more than 4 tokens), the thread also takes the pair 128 on: the
            // same position 4 tokens later, so one K read serves both. One loop for both cases: PoCL's barrier
            // regions failed on a branch between two loops here.
            for (int item = tid; item < pairs * parts; item += 2 * GroupSum.Size)
            {
                int pair = item % pairs, part = item / pairs, st = pair >> 5, sj = pair & (Chunk - 1);
                bool second = item + GroupSum.Size < pairs * parts;
                int st1 = second ? st + GroupSum.Size / Chunk : st;
                if (sj >= n) continue;
                var kRow = k4.SubView(sj * RowQuads);
                ArrayView<Float4> q0 = qh4.SubView(st * HeadQuads), q1 = qh4.SubView(st1 * HeadQuads);
                // Four terms a round, in two chains a pair; a part takes every parts-th group of four.
                float s0 = 0, s0b = 0, s1 = 0, s1b = 0;
                for (int i = part; i < quads; i += parts)
                {
                    Float4 kq = kRow[i], a = q0[i], b = q1[i];
                    s0 += a.X * kq.X;
                    s0b += a.Y * kq.Y;
                    s1 += b.X * kq.X;
                    s1b += b.Y * kq.Y;
                    s0 += a.Z * kq.Z;
                    s0b += a.W * kq.W;
                    s1 += b.Z * kq.Z;
                    s1b += b.W * kq.W;
                }
                score[part * pairs + pair] = s0 + s0b;
                if (second) score[pair + GroupSum.Size] = s1 + s1b;
            }
            Group.Barrier();
            // Each visible pair's score, its parts added in order (only this thread reads a pair's parts).
            for (int pair = tid; pair < pairs; pair += GroupSum.Size)
            {
                float s = score[pair];
                for (int p = 1; p < parts; p++) s += score[p * pairs + pair];
                score[pair] = s * scale;
            }
            Group.Barrier();
            // Each pair's factors from the maximum before it. Tokens past count see nothing: their factors (1, 0)
            // leave the accumulators below as they are, as do positions past the chunk's n.
            for (int pair = tid; pair < Queries * Chunk; pair += GroupSum.Size)
            {
                int st = pair >> 5, sj = pair & (Chunk - 1);
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
            if (tid < headDim)
            {
                // Thread tid's dimension of every token, 4 positions a round, each read at a constant offset from
                // the round's views.
                var mine = accumulators.SubView(tid);
                var acc = AttentionAccumulators.Load(mine);
                for (int j = 0; j < n4; j += 4)
                {
                    ArrayView<float> vj = v.SubView(j * MaxHeadDim + tid), mj = rescale.SubView(j);
                    ArrayView<Float4> wj = weight4.SubView(2 * j);
                    ArrayView<int> rj = rescaled.SubView(j);
                    acc.Position(vj[0], wj[0], wj[1], rj[0], mj, count == 1);
                    acc.Position(vj[MaxHeadDim], wj[2], wj[3], rj[1], mj.SubView(1), count == 1);
                    acc.Position(vj[2 * MaxHeadDim], wj[4], wj[5], rj[2], mj.SubView(2), count == 1);
                    acc.Position(vj[3 * MaxHeadDim], wj[6], wj[7], rj[3], mj.SubView(3), count == 1);
                }
                acc.Store(mine);
            }
            Group.Barrier();
        }
        if (tid < count) total[tid] = sum;
        Group.Barrier();
        for (int i = tid; i < count * headDim; i += GroupSum.Size)
        {
            int t = i / headDim, e = i % headDim;
            output[((long)(t0 + t) * heads + h) * headDim + e] = accumulators[t * MaxHeadDim + e] * (1f / total[t]);
        }
    }

    /// <summary>Positions of a chunk of <paramref name="n"/> that token <paramref name="t"/> of the block sees (it sits at chunk position first + t).</summary>
    private static int Seen(int t, int count, int first, int n) => t < count ? Math.Min(n, Math.Max(0, first + t + 1)) : 0;

    /// <summary>
    /// Word wi's row in the chunk, wi / rowWords by the float reciprocal: one multiply and a conversion where a
    /// division takes twenty instructions. Exact: (wi + 1/2) / rowWords lies at least 1/(2 rowWords) from an
    /// integer, far beyond float's error for wi below 2^12.
    /// </summary>
    private static int Row(int wi, float inverseRowWords) => (int)((wi + 0.5f) * inverseRowWords);

    /// <summary>Word wi (in row <paramref name="row"/>) of the chunk's rows of this head; past the chunk, a row that exists, its value unused.</summary>
    private static uint Load(ArrayView<uint> cache, int wi, int row, int c0, int last, int rowWords, int kvWords, int headWord)
    {
        int at = Math.Min(c0 + row, last);
        return cache[(long)at * kvWords + headWord + wi - row * rowWords];
    }

    /// <summary>Word wi's two halves into the shared rows, if it lies in the staged rows.</summary>
    private static void Store(ArrayView<float> k, ArrayView<float> v, uint kw, uint vw, int wi, int row, int limit, int rowWords)
    {
        if (wi >= limit) return;
        int e = 2 * (wi - row * rowWords), atK = row * RowFloats + e, atV = row * MaxHeadDim + e;
        k[atK] = DeviceMath.HalfToFloat(kw & 0xFFFF);
        k[atK + 1] = DeviceMath.HalfToFloat(kw >> 16);
        v[atV] = DeviceMath.HalfToFloat(vw & 0xFFFF);
        v[atV + 1] = DeviceMath.HalfToFloat(vw >> 16);
    }
}
