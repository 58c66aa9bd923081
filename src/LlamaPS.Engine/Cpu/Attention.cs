using System.Numerics.Tensors;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Causal grouped-query attention over the f16 KV cache, one pass per (token, head) with an online softmax:
/// out = softmax(q·K[0..pos] * scale) · V[0..pos], K/V from kv head h / (heads / kvHeads).
/// It follows llama.cpp's CPU flash-attention numerics on purpose: q rounded to f16 for the products, and the
/// weighted sum of V kept in f16 (rescaled when a new maximum appears). Doing the same roundings cuts our logit
/// distance to llama.cpp three- to five-fold, which keeps greedy decoding on the same tokens.
/// </summary>
public static unsafe class Attention
{
    public static void Compute(float* q, KvCache cache, int layer, float* output, int start, int tokens,
                               int heads, int kvHeads, int headDim, WorkerPool pool)
    {
        int group = heads / kvHeads;
        int kvDim = cache.KvDim;
        float scale = 1f / MathF.Sqrt(headDim);
        nint qp = (nint)q, op = (nint)output;
        nint kp = (nint)cache.Keys(layer), vp = (nint)cache.Values(layer);
        int work = tokens * heads;
        int tasks = pool.TaskCountFor(work, 2);
        pool.Run(tasks, task =>
        {
            var (first, last) = MatMul.Range(work, tasks, task);
            Span<float> qh = stackalloc float[headDim];
            Span<float> row = stackalloc float[headDim];
            Span<float> acc = stackalloc float[headDim];
            Span<Half> acc16 = stackalloc Half[headDim];
            for (int item = first; item < last; item++)
            {
                int t = item / heads, h = item % heads, kvh = h / group;
                int length = start + t + 1;
                var qsrc = new ReadOnlySpan<float>((float*)qp + ((long)t * heads + h) * headDim, headDim);
                TensorPrimitives.ConvertToHalf(qsrc, acc16);
                TensorPrimitives.ConvertToSingle(acc16, qh);
                acc16.Clear();
                float max = float.NegativeInfinity, sum = 0;
                for (int j = 0; j < length; j++)
                {
                    long at = (long)j * kvDim + kvh * headDim;
                    TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)kp + at, headDim), row);
                    float s = TensorPrimitives.Dot(qh, row) * scale;
                    float ms = 1, vs = 1;
                    TensorPrimitives.ConvertToSingle(acc16, acc);
                    if (s > max)
                    {
                        ms = MathF.Exp(max - s);
                        max = s;
                        TensorPrimitives.Multiply(acc, ms, acc);
                        TensorPrimitives.ConvertToHalf(acc, acc16);
                        TensorPrimitives.ConvertToSingle(acc16, acc);
                    }
                    else
                    {
                        vs = MathF.Exp(s - max);
                    }
                    TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)vp + at, headDim), row);
                    TensorPrimitives.MultiplyAdd(row, vs, acc, acc);
                    TensorPrimitives.ConvertToHalf(acc, acc16);
                    sum = sum * ms + vs;
                }
                var o = new Span<float>((float*)op + ((long)t * heads + h) * headDim, headDim);
                TensorPrimitives.ConvertToSingle(acc16, o);
                TensorPrimitives.Multiply(o, 1f / sum, o);
            }
        });
    }
}
