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
/// The layer's cached K and V that any token of the call sees are widened to f32 once per call
/// (<paramref name="scratch"/>, [positions, kvDim] each) so the inner loop is plain f32 vector arithmetic.
/// </summary>
public static unsafe class Attention
{
    /// <summary>Floats of scratch a call needs: K and V of <paramref name="positions"/> positions as f32.</summary>
    public static long ScratchFloats(int positions, int kvDim) => 2L * positions * kvDim;

    public static void Compute(float* q, KvCache cache, int layer, float* output, int start, int tokens,
                               AttentionParameters p, WorkerPool pool, NativeBuffer<float> scratch)
    {
        int kvDim = cache.KvDim, positions = start + tokens, heads = p.Heads, headDim = p.HeadDim, group = p.Heads / p.KvHeads;
        if (scratch.Length < ScratchFloats(positions, kvDim)) throw new ArgumentException("Attention scratch is too small.", nameof(scratch));
        float* k32 = scratch.Pointer, v32 = k32 + (long)positions * kvDim;
        // Positions before the first token's window are seen by no token of this call.
        long seen = (long)FirstVisible(start + 1, p.Window) * kvDim, count = (long)positions * kvDim - seen;
        Widen(cache.Keys(layer) + seen, k32 + seen, count, pool);
        Widen(cache.Values(layer) + seen, v32 + seen, count, pool);
        bool finiteValues = AllFinite(cache.Values(layer) + seen, count);

        int work = tokens * heads;
        // Later tokens see more positions; many small tasks keep both cores busy to the end.
        int tasks = pool.TaskCountFor(work, 16);
        nint qp = (nint)q, op = (nint)output, kp = (nint)k32, vp = (nint)v32;
        pool.Run(tasks, task =>
        {
            var (first, last) = MatMul.Range(work, tasks, task);
            for (int item = first; item < last; item++)
            {
                int t = item / heads, h = item % heads;
                long at = ((long)t * heads + h) * headDim;
                int length = start + t + 1;
                Head((float*)qp + at, (float*)kp, (float*)vp, (float*)op + at, FirstVisible(length, p.Window), length, kvDim, h / group * headDim, p, finiteValues);
            }
        });
    }

    // The first of `length` positions a sliding window of `window` (0: none) still covers.
    private static int FirstVisible(int length, int window) => window > 0 ? Math.Max(0, length - window) : 0;

    // Whether no f16 value is an infinity or NaN (exponent bits all ones).
    private static bool AllFinite(ushort* src, long n)
    {
        var halves = new ReadOnlySpan<ushort>(src, checked((int)n));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ushort> exponent = Vector256.Create((ushort)0x7C00), any = Vector256<ushort>.Zero;
            for (; i + 16 <= halves.Length; i += 16)
                any |= Vector256.Equals(Vector256.Create(halves.Slice(i, 16)) & exponent, exponent);
            if (any != Vector256<ushort>.Zero) return false;
        }
        for (; i < halves.Length; i++)
            if ((halves[i] & 0x7C00) == 0x7C00) return false;
        return true;
    }

    private static void Widen(ushort* src, float* dst, long n, WorkerPool pool)
    {
        const int chunk = 1 << 16;
        int tasks = (int)((n + chunk - 1) / chunk);
        nint s = (nint)src, d = (nint)dst;
        pool.Run(tasks, i =>
        {
            long from = (long)i * chunk;
            int len = (int)Math.Min(chunk, n - from);
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)s + from, len), new Span<float>((float*)d + from, len));
        });
    }

    // Positions a head takes at a time: their scores, softmax weights and rescale factors live on the stack.
    private const int Chunk = 128;

    /// <summary>
    /// One (token, head): per chunk of positions, first every score (independent dot products), then the online
    /// softmax's weights in order (a scalar pass: the running maximum, the weight of each value row and the factor
    /// the sum is rescaled by where a new maximum appears), then the weighted sum of the value rows with the
    /// accumulator in registers. Each value goes through the same f16 roundings as in a one-position-at-a-time
    /// loop; the positions are just no longer interleaved with each other's dependency chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Head(float* q, float* k, float* v, float* output, int first, int length, int kvDim, int offset, AttentionParameters p, bool finiteValues)
    {
        int headDim = p.HeadDim;
        // With a soft-cap, s = cap * tanh(q·k * scale / cap), the division folded into the scale as ggml does.
        float cap = p.SoftCap, scale = cap > 0 ? p.Scale / cap : p.Scale;
        float* qh = stackalloc float[headDim];
        float* acc = stackalloc float[headDim];
        float* weights = stackalloc float[Chunk];
        float* rescales = stackalloc float[Chunk];
        for (int i = 0; i < headDim; i++)
        {
            qh[i] = (float)(Half)q[i];
            acc[i] = 0;
        }
        float max = float.NegativeInfinity, sum = 0;
        for (int j0 = first; j0 < length; j0 += Chunk)
        {
            int count = Math.Min(Chunk, length - j0);
            Scores(qh, k + (long)j0 * kvDim + offset, kvDim, headDim, count, scale, weights);
            if (cap > 0)
                for (int j = 0; j < count; j++) weights[j] = cap * MathF.Tanh(weights[j]);
            for (int j = 0; j < count; j++)
            {
                float s = weights[j], ms = 1, vs = 1;
                if (s > max)
                {
                    ms = Exp(max - s);
                    max = s;
                }
                else
                {
                    vs = Exp(s - max);
                }
                weights[j] = vs;
                rescales[j] = ms;
                sum = sum * ms + vs;
            }
            Accumulate(acc, v + (long)j0 * kvDim + offset, kvDim, weights, rescales, count, headDim, finiteValues);
        }
        float inv = 1f / sum;
        for (int i = 0; i < headDim; i++) output[i] = acc[i] * inv;
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
    private static void Accumulate(float* acc, float* v, int kvDim, float* weights, float* rescales, int count, int headDim, bool finiteValues)
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
                    float* vj = v + (long)j * kvDim + i;
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
                    a = RoundToHalf(MultiplyAdd(Vector256.Load(v + (long)j * kvDim + i), weights[j], a));
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
                a = RoundToHalf(Fma.IsSupported ? MathF.FusedMultiplyAdd(v[(long)j * kvDim + i], weights[j], a) : a + v[(long)j * kvDim + i] * weights[j]);
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
    /// scores[j] = q · k_j * scale for <paramref name="count"/> key rows <paramref name="kvDim"/> floats apart: 8 rows
    /// at a time, their 8 sums folded into one vector by horizontal adds, so each q load serves 8 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores(float* q, float* k, int kvDim, int headDim, int count, float scale, float* scores)
    {
        int j = 0;
        if (Fma.IsSupported && headDim % 8 == 0)
        {
            for (; j + 8 <= count; j += 8)
            {
                float* k0 = k + (long)j * kvDim;
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                for (int i = 0; i < headDim; i += 8)
                {
                    Vector256<float> qi = Vector256.Load(q + i);
                    float* ki = k0 + i;
                    s0 = Fma.MultiplyAdd(qi, Vector256.Load(ki), s0);
                    s1 = Fma.MultiplyAdd(qi, Vector256.Load(ki + kvDim), s1);
                    s2 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 2 * kvDim), s2);
                    s3 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 3 * kvDim), s3);
                    s4 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 4 * kvDim), s4);
                    s5 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 5 * kvDim), s5);
                    s6 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 6 * kvDim), s6);
                    s7 = Fma.MultiplyAdd(qi, Vector256.Load(ki + 7 * kvDim), s7);
                }
                // Lanes of [rows 0-3 | rows 0-3] then [rows 4-7 | rows 4-7], each half holding partial sums.
                Vector256<float> r03 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                Vector256<float> r47 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
                Vector256<float> sums = Avx.Permute2x128(r03, r47, 0x20) + Avx.Permute2x128(r03, r47, 0x31);
                (sums * scale).Store(scores + j);
            }
        }
        for (; j < count; j++) scores[j] = Dot(q, k + (long)j * kvDim, headDim) * scale;
    }

    // acc + v * s, fused where the CPU can (as ggml's f16 multiply-add), so one rounding fewer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> v, float s, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(v, Vector256.Create(s), acc) : acc + v * s;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

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
