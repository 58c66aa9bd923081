using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Causal grouped-query attention over the KV cache, one pass per (token, head) with an online softmax:
/// out = softmax(cap(q·K[first..pos] * scale)) · V[first..pos], K/V from kv head h / (heads / kvHeads), where first is
/// 0 or, under a sliding window, the oldest position the window still covers, and cap the optional soft-cap.
/// It follows llama.cpp's CPU flash-attention numerics on purpose: K and V as f16, q rounded to f16, and the
/// weighted sum of V kept at f16 precision (rescaled when a new maximum appears). Doing the same roundings cuts our
/// logit distance to llama.cpp three- to five-fold, which keeps greedy decoding on the same tokens.
/// Work goes out by kv head and block of tokens: each task widens a chunk of its kv head's cached K and V rows to
/// f32 in a small buffer that stays in L1, then runs every query head of the group and token of the block over it.
/// So the f16 cache is read once per kv head and block, in parallel, and never copied out whole: a generation step
/// used to spend as long widening the layer's cache into a scratch buffer as on the heads themselves.
/// </summary>
public static unsafe class Attention
{
    // Floats of the per-task buffers: the widened K (or V) chunk, and the q and acc of a block's (token, head) pairs.
    private const int ChunkFloats = 4096, BlockFloats = 4096;

    public static void Compute(float* q, KvCache cache, int layer, float* output, int start, int tokens,
                               AttentionParameters p, WorkerPool pool)
    {
        int group = p.Heads / p.KvHeads, tokenBlock = Math.Max(1, BlockFloats / (group * p.HeadDim));
        int blocks = (tokens + tokenBlock - 1) / tokenBlock, work = blocks * p.KvHeads;
        // Later tokens see more positions; many small tasks, the latest blocks first, keep both cores busy to the end.
        int tasks = pool.TaskCountFor(work, 16);
        nint qp = (nint)q, op = (nint)output, kp = (nint)cache.Keys(layer), vp = (nint)cache.Values(layer);
        int kvDim = cache.KvDim;
        pool.Run(tasks, task =>
        {
            var (first, last) = MatMul.Range(work, tasks, task);
            for (int item = first; item < last; item++)
            {
                int t0 = (blocks - 1 - item / p.KvHeads) * tokenBlock;
                Group((float*)qp, (ushort*)kp, (ushort*)vp, (float*)op, start, t0, Math.Min(tokens, t0 + tokenBlock), item % p.KvHeads, kvDim, p);
            }
        });
    }

    // The first of `length` positions a sliding window of `window` (0: none) still covers.
    private static int FirstVisible(int length, int window) => window > 0 ? Math.Max(0, length - window) : 0;

    /// <summary>
    /// Tokens t0..t1-1 (of a call starting at position <paramref name="start"/>) with every query head of kv head
    /// <paramref name="kvHead"/>. Per chunk of positions: widen its K and V rows, then give each (token, head) the
    /// positions of the chunk it sees, in order; each pair keeps its own running maximum, sum and f16 accumulator.
    /// Which chunk a position falls in changes nothing in its arithmetic, so a token's result does not depend on
    /// the tokens it is computed with.
    /// </summary>
    // Every buffer here is written before it is read, so none is zeroed first (that was 36 KB a call, 88 calls a token).
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group(float* q, ushort* keys, ushort* values, float* output, int start, int t0, int t1, int kvHead, int kvDim, AttentionParameters p)
    {
        int headDim = p.HeadDim, group = p.Heads / p.KvHeads, pairs = (t1 - t0) * group;
        int chunk = Math.Max(8, ChunkFloats / headDim / 8 * 8);
        // With a soft-cap, s = cap * tanh(q·k * scale / cap), the division folded into the scale as ggml does.
        float cap = p.SoftCap, scale = cap > 0 ? p.Scale / cap : p.Scale;
        float* k = stackalloc float[chunk * headDim];
        float* v = stackalloc float[chunk * headDim];
        float* qh = stackalloc float[pairs * headDim];
        float* acc = stackalloc float[pairs * headDim];
        float* max = stackalloc float[pairs];
        float* sum = stackalloc float[pairs];
        float* weights = stackalloc float[chunk];
        float* rescales = stackalloc float[chunk];
        // q rounded to f16 as llama.cpp does, each token's heads of the group at once (they are adjacent): both
        // conversions exact, and vectorised (one f16 round trip a value in scalar code was a visible cost).
        ushort* qf16 = stackalloc ushort[group * headDim];
        for (int t = t0; t < t1; t++)
        {
            var src = new ReadOnlySpan<float>(q + ((long)t * p.Heads + kvHead * group) * headDim, group * headDim);
            TensorPrimitives.ConvertToHalf(src, new Span<Half>(qf16, group * headDim));
            HalfToSingle.Convert(qf16, group * headDim, qh + (t - t0) * group * headDim, group * headDim, 1);
        }
        new Span<float>(acc, pairs * headDim).Clear();
        for (int i = 0; i < pairs; i++)
        {
            max[i] = float.NegativeInfinity;
            sum[i] = 0;
        }
        int offset = kvHead * headDim, end = start + t1;
        for (int j0 = FirstVisible(start + t0 + 1, p.Window); j0 < end; j0 += chunk)
        {
            int count = Math.Min(chunk, end - j0);
            HalfToSingle.Convert(keys + (long)j0 * kvDim + offset, kvDim, k, headDim, count);
            bool finiteValues = HalfToSingle.Convert(values + (long)j0 * kvDim + offset, kvDim, v, headDim, count);
            for (int i = 0; i < pairs; i++)
            {
                int length = start + t0 + i / group + 1, from = Math.Max(j0, FirstVisible(length, p.Window)), to = Math.Min(j0 + count, length);
                if (from >= to) continue;
                float* kj = k + (from - j0) * headDim, vj = v + (from - j0) * headDim;
                int n = to - from;
                Scores(qh + i * headDim, kj, headDim, n, scale, weights);
                if (cap > 0)
                    for (int j = 0; j < n; j++) weights[j] = cap * MathF.Tanh(weights[j]);
                float m = max[i], s = sum[i];
                for (int j = 0; j < n; j++)
                {
                    float w = weights[j], ms = 1, vs = 1;
                    if (w > m)
                    {
                        ms = Exp(m - w);
                        m = w;
                    }
                    else
                    {
                        vs = Exp(w - m);
                    }
                    weights[j] = vs;
                    rescales[j] = ms;
                    s = s * ms + vs;
                }
                max[i] = m;
                sum[i] = s;
                Accumulate(acc + i * headDim, vj, headDim, weights, rescales, n, headDim, finiteValues);
            }
        }
        for (int i = 0; i < pairs; i++)
        {
            int t = t0 + i / group, h = kvHead * group + i % group;
            float inv = 1f / sum[i];
            float* dst = output + ((long)t * p.Heads + h) * headDim;
            for (int d = 0; d < headDim; d++) dst[d] = acc[i * headDim + d] * inv;
        }
    }

    // e^x, without calling the library where it must return 0: e^-110 is far below half the smallest f32 subnormal.
    // Peaked scores leave most weights there, and expf's underflow path is slow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Exp(float x) => x < -110f ? 0f : MathF.Exp(x);

    /// <summary>
    /// acc = f16(f16(acc * rescale_j) + v_j * weight_j) (a fused multiply-add where the CPU has one) for each of <paramref name="count"/> value rows in turn
    /// (the rescale skipped where it is 1: acc is already f16). 64 lanes at a time, eight independent chains in
    /// registers, then 8, then one by one.
    /// A row of weight 0 that rescales nothing leaves acc as it is (acc + v * 0 == acc) unless v is not finite or a
    /// lane of acc is -0 (-0 + +0 is +0); so in the 64-lane blocks it is skipped when the values are finite and,
    /// checked after each row that changed acc, no lane is -0. Peaked scores leave most weights 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(float* acc, float* v, int stride, float* weights, float* rescales, int count, int headDim, bool finiteValues)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 64 <= headDim; i += 64)
            {
                float* ai = acc + i;
                Vector256<float> a0 = Vector256.Load(ai), a1 = Vector256.Load(ai + 8), a2 = Vector256.Load(ai + 16), a3 = Vector256.Load(ai + 24);
                Vector256<float> a4 = Vector256.Load(ai + 32), a5 = Vector256.Load(ai + 40), a6 = Vector256.Load(ai + 48), a7 = Vector256.Load(ai + 56);
                // Whether acc changed since it was last checked for -0 lanes, and whether it had one then.
                bool changed = true, negativeZero = true;
                for (int j = 0; j < count; j++)
                {
                    float ms = rescales[j], vs = weights[j];
                    if (vs == 0 && ms == 1 && finiteValues)
                    {
                        if (changed)
                        {
                            negativeZero = HasNegativeZero(a0, a1, a2, a3, a4, a5, a6, a7);
                            changed = false;
                        }
                        if (!negativeZero) continue;
                    }
                    changed = true;
                    if (ms != 1)
                    {
                        a0 = RoundToHalf(a0 * ms); a1 = RoundToHalf(a1 * ms); a2 = RoundToHalf(a2 * ms); a3 = RoundToHalf(a3 * ms);
                        a4 = RoundToHalf(a4 * ms); a5 = RoundToHalf(a5 * ms); a6 = RoundToHalf(a6 * ms); a7 = RoundToHalf(a7 * ms);
                    }
                    float* vj = v + (long)j * stride + i;
                    a0 = RoundToHalf(MultiplyAdd(Vector256.Load(vj), vs, a0));
                    a1 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 8), vs, a1));
                    a2 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 16), vs, a2));
                    a3 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 24), vs, a3));
                    a4 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 32), vs, a4));
                    a5 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 40), vs, a5));
                    a6 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 48), vs, a6));
                    a7 = RoundToHalf(MultiplyAdd(Vector256.Load(vj + 56), vs, a7));
                }
                a0.Store(ai); a1.Store(ai + 8); a2.Store(ai + 16); a3.Store(ai + 24);
                a4.Store(ai + 32); a5.Store(ai + 40); a6.Store(ai + 48); a7.Store(ai + 56);
            }
            for (; i + 8 <= headDim; i += 8)
            {
                Vector256<float> a = Vector256.Load(acc + i);
                for (int j = 0; j < count; j++)
                {
                    if (rescales[j] != 1) a = RoundToHalf(a * rescales[j]);
                    a = RoundToHalf(MultiplyAdd(Vector256.Load(v + (long)j * stride + i), weights[j], a));
                }
                a.Store(acc + i);
            }
        }
        for (; i < headDim; i++)
        {
            float a = acc[i];
            for (int j = 0; j < count; j++)
            {
                if (rescales[j] != 1) a = RoundToHalf(a * rescales[j]);
                a = RoundToHalf(Fma.IsSupported ? MathF.FusedMultiplyAdd(v[(long)j * stride + i], weights[j], a) : a + v[(long)j * stride + i] * weights[j]);
            }
            acc[i] = a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasNegativeZero(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
                                        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        Vector256<uint> z = Vector256.Create(0x80000000u);
        Vector256<uint> any = Vector256.Equals(a0.AsUInt32(), z) | Vector256.Equals(a1.AsUInt32(), z) | Vector256.Equals(a2.AsUInt32(), z)
            | Vector256.Equals(a3.AsUInt32(), z) | Vector256.Equals(a4.AsUInt32(), z) | Vector256.Equals(a5.AsUInt32(), z)
            | Vector256.Equals(a6.AsUInt32(), z) | Vector256.Equals(a7.AsUInt32(), z);
        return any != Vector256<uint>.Zero;
    }

    /// <summary>
    /// scores[j] = q · k_j * scale for <paramref name="count"/> key rows of <paramref name="headDim"/> floats one after
    /// another: 8 rows at a time, their 8 sums folded into one vector by horizontal adds, so each q load serves 8 rows.
    /// The rows left over take the same multiply-adds and the same order of additions (<see cref="Score"/>), so a
    /// row's score does not depend on where in the chunk it lies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores(float* q, float* k, int headDim, int count, float scale, float* scores)
    {
        int j = 0;
        if (Fma.IsSupported && headDim % 8 == 0)
        {
            for (; j + 8 <= count; j += 8)
            {
                float* k0 = k + j * headDim;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (int i = 0; i < headDim; i += 8)
                {
                    Vector256<float> qi = Vector256.Load(q + i);
                    float* ki = k0 + i;
                    s0 = Fma.MultiplyAdd(qi, Vector256.Load(ki), s0);
                    s1 = Fma.MultiplyAdd(qi, Vector256.Load(ki + headDim), s1);
                    s2 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 2 * headDim), s2);
                    s3 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 3 * headDim), s3);
                    s4 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 4 * headDim), s4);
                    s5 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 5 * headDim), s5);
                    s6 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 6 * headDim), s6);
                    s7 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 7 * headDim), s7);
                }
                // Lanes of [rows 0-3 | rows 0-3] then [rows 4-7 | rows 4-7], each half holding partial sums: row r's
                // score is ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)) of its lanes l.
                Vector256<float> r03 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                Vector256<float> r47 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
                Vector256<float> sums = Avx.Permute2x128(r03, r47, 0x20) + Avx.Permute2x128(r03, r47, 0x31);
                (sums * scale).Store(scores + j);
            }
        }
        for (; j < count; j++) scores[j] = Score(q, k + j * headDim, headDim) * scale;
    }

    /// <summary>q · k as one row of <see cref="Scores"/>'s 8-row step computes it, or plainly where that has no path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Score(float* q, float* k, int headDim)
    {
        if (Fma.IsSupported && headDim % 8 == 0)
        {
            Vector256<float> s = default;
            for (int i = 0; i < headDim; i += 8) s = Fma.MultiplyAdd(Vector256.Load(q + i), Vector256.Load(k + i), s);
            return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        }
        float sum = 0;
        for (int i = 0; i < headDim; i++) sum += q[i] * k[i];
        return sum;
    }

    // acc + v * s, fused where the CPU can (as ggml's f16 multiply-add), so one rounding fewer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> v, float s, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(v, Vector256.Create(s), acc) : acc + v * s;

    /// <summary>
    /// x rounded to f16's 11 significant bits, half to even, kept in f32: add just under half of the 13 dropped
    /// bits (plus the kept lowest bit, for ties), then clear them. Exact over f16's normal range, which attention
    /// sums stay in; cheaper than converting to f16 and back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> RoundToHalf(Vector256<float> x)
    {
        Vector256<uint> u = x.AsUInt32();
        u += Vector256.Create(0x0FFFu) + (Vector256.ShiftRightLogical(u, 13) & Vector256<uint>.One);
        return (u & Vector256.Create(0xFFFFE000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float RoundToHalf(float x)
    {
        uint u = BitConverter.SingleToUInt32Bits(x);
        u += 0x0FFFu + ((u >> 13) & 1);
        return BitConverter.UInt32BitsToSingle(u & 0xFFFFE000u);
    }
}
