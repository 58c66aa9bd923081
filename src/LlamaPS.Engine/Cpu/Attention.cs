using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
                Head((float*)qp + at, (float*)kp, (float*)vp, (float*)op + at, FirstVisible(length, p.Window), length, kvDim, h / group * headDim, p);
            }
        });
    }

    // The first of `length` positions a sliding window of `window` (0: none) still covers.
    private static int FirstVisible(int length, int window) => window > 0 ? Math.Max(0, length - window) : 0;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Head(float* q, float* k, float* v, float* output, int first, int length, int kvDim, int offset, AttentionParameters p)
    {
        int headDim = p.HeadDim;
        // With a soft-cap, s = cap * tanh(q·k * scale / cap), the division folded into the scale as ggml does.
        float cap = p.SoftCap, scale = cap > 0 ? p.Scale / cap : p.Scale;
        Span<float> qh = stackalloc float[headDim];
        Span<float> acc = stackalloc float[headDim];
        for (int i = 0; i < headDim; i++) qh[i] = (float)(Half)q[i];
        acc.Clear();
        float max = float.NegativeInfinity, sum = 0;
        fixed (float* qp = qh, ap = acc)
        {
            for (int j = first; j < length; j++)
            {
                float* kj = k + (long)j * kvDim + offset, vj = v + (long)j * kvDim + offset;
                float s = Dot(qp, kj, headDim) * scale;
                if (cap > 0) s = cap * MathF.Tanh(s);
                float ms = 1, vs = 1;
                if (s > max)
                {
                    ms = MathF.Exp(max - s);
                    max = s;
                    ScaleToHalfPrecision(ap, ms, headDim);
                }
                else
                {
                    vs = MathF.Exp(s - max);
                }
                AddScaledToHalfPrecision(ap, vj, vs, headDim);
                sum = sum * ms + vs;
            }
            float inv = 1f / sum;
            for (int i = 0; i < headDim; i++) output[i] = ap[i] * inv;
        }
    }

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

    // acc = f16(acc * s)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleToHalfPrecision(float* acc, float s, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) RoundToHalf(Vector256.Load(acc + i) * s).Store(acc + i);
        for (; i < n; i++) acc[i] = RoundToHalf(acc[i] * s);
    }

    // acc = f16(acc + v * s)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledToHalfPrecision(float* acc, float* v, float s, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) RoundToHalf(Vector256.Load(acc + i) + Vector256.Load(v + i) * s).Store(acc + i);
        for (; i < n; i++) acc[i] = RoundToHalf(acc[i] + v[i] * s);
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
