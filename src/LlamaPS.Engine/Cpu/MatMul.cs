using System.Runtime.CompilerServices;
namespace LlamaPS.Engine.Cpu;

/// <summary>
/// y[t, r] = sum_k W[r, k] * x[t, k] for W [rows, cols], x [tokens, cols], y [tokens, rows]. Activations are first
/// converted to the weight type's activation format (quantized once per token, not per row); then each task takes a
/// range of weight rows and, while they are hot in cache, multiplies them with every token: in register tiles of
/// several rows by several tokens where the kernel has one (prompt processing), one row at a time otherwise.
/// </summary>
public static unsafe class MatMul
{
    public static void Compute(WeightMatrix w, float* x, float* y, int tokens, WorkerPool pool, NativeBuffer<byte> scratch) =>
        Compute([w], x, [(nint)y], tokens, pool, scratch);

    /// <summary>
    /// y_i = W_i x for several matrices that read the same input x [tokens, cols] (q, k and v; gate and up), each
    /// y_i [tokens, rows_i]. Where they share an activation format the input is converted once and one dispatch
    /// covers all their rows, so the pool wakes once instead of once per matrix: generation runs hundreds of
    /// matrix products a token.
    /// </summary>
    public static void Compute(WeightMatrix[] ws, float* x, nint[] ys, int tokens, WorkerPool pool, NativeBuffer<byte> scratch)
    {
        var format = ws[0].Kernel.Activation;
        int cols = ws[0].Cols;
        if (ws.Any(w => w.Kernel.Activation != format || w.Cols != cols))
        {
            for (int i = 0; i < ws.Length; i++) Compute([ws[i]], x, [ys[i]], tokens, pool, scratch);
            return;
        }
        int actBytes = format.RowBytes(cols);
        if (scratch.ByteLength < (long)actBytes * tokens) throw new ArgumentException("Activation scratch buffer is too small.", nameof(scratch));
        byte* act = scratch.Pointer;
        nint xp = (nint)x, ap = (nint)act;

        if (tokens > 1)
            pool.Run(pool.TaskCountFor(tokens, 1), task =>
            {
                var (start, end) = Range(tokens, pool.TaskCountFor(tokens, 1), task);
                for (int t = start; t < end; t++)
                    format.Convert(new ReadOnlySpan<float>((float*)xp + (long)t * cols, cols), new Span<byte>((byte*)ap + (long)t * actBytes, actBytes));
            });
        else
            format.Convert(new ReadOnlySpan<float>(x, cols), new Span<byte>(act, actBytes));

        // The matrices' rows one after another; each task takes a range of them. Tiny products are not worth
        // waking the pool for.
        int rows = ws.Sum(w => w.Rows);
        int tasks = (long)rows * cols * tokens < 32 * 1024 ? 1 : pool.TaskCountFor(rows);
        SimdPath path = SimdPaths.Best;
        pool.Run(tasks, task =>
        {
            var (start, end) = Range(rows, tasks, task);
            int first = 0;
            for (int i = 0; i < ws.Length && first < end; first += ws[i].Rows, i++)
            {
                int from = Math.Max(start, first) - first, to = Math.Min(end, first + ws[i].Rows) - first;
                if (from >= to) continue;
                var (tileRows, tileTokens) = ws[i].Kernel.TileFor(path, tokens);
                Rows(ws[i], (byte*)ap, actBytes, (float*)ys[i], from, to, tokens, tileRows, tileTokens, path);
            }
        });
    }

    // Kept out of the lambda so that it can be compiled fully optimised at once: the JIT's first tier is
    // tens of times slower on these loops, and a model's first prompt would pay for it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(WeightMatrix w, byte* a0, int actBytes, float* y, int start, int end, int tokens, int tileRows, int tileTokens, SimdPath path)
    {
        var kernel = w.Kernel;
        int rows = w.Rows, cols = w.Cols;
        // Tokens in blocks whose activations stay in L2 while this task's rows pass over them.
        int tokenBlock = Math.Max(tileTokens, TokenBlockBytes / actBytes / tileTokens * tileTokens);
        for (int t0 = 0; t0 < tokens; t0 += tokenBlock)
        {
            int t1 = Math.Min(tokens, t0 + tokenBlock);
            int r = start;
            // Full tiles: a few weight rows stay in registers/L1 while the block's tokens stream past them.
            for (; r + tileRows <= end && tileRows * tileTokens > 1; r += tileRows)
            {
                int t = t0;
                for (; t + tileTokens <= t1; t += tileTokens)
                    kernel.DotTile(w.Row(r), w.RowBytes, a0 + (long)t * actBytes, actBytes, cols, y + (long)t * rows + r, rows, path, tokens);
                // Tokens left over: the tile's rows in one call each (the float kernels take them as a pair).
                for (; t < t1; t++)
                    kernel.DotRows(w.Row(r), w.RowBytes, a0 + (long)t * actBytes, cols, y + (long)t * rows + r, tileRows, path);
            }
            // One token (generation): the kernel takes the rows in one call. More: each row stays hot while the tokens pass.
            if (t1 - t0 == 1)
                kernel.DotRows(w.Row(r), w.RowBytes, a0 + (long)t0 * actBytes, cols, y + (long)t0 * rows + r, end - r, path);
            else
                for (; r < end; r++)
                {
                    byte* row = w.Row(r);
                    for (int t = t0; t < t1; t++)
                        y[(long)t * rows + r] = kernel.Dot(row, a0 + (long)t * actBytes, cols, path);
                }
        }
    }

    private const int TokenBlockBytes = 256 * 1024;

    /// <summary>Bytes of activation scratch a matmul over <paramref name="w"/> with <paramref name="tokens"/> tokens needs.</summary>
    public static long ScratchBytes(WeightMatrix w, int tokens) => (long)w.Kernel.Activation.RowBytes(w.Cols) * tokens;

    internal static (int Start, int End) Range(int count, int parts, int index) =>
        ((int)((long)count * index / parts), (int)((long)count * (index + 1) / parts));
}
