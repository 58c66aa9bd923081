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
    /// y_i [tokens, rows_i]. The input is converted once per activation format they need (a Q4_K_M layer's q and k
    /// take Q4_K's, its v Q6_K's), into consecutive parts of <paramref name="scratch"/> (<see cref="ScratchBytes(WeightMatrix[], int)"/>),
    /// and one dispatch covers all their rows, so the pool wakes once instead of once per matrix: generation runs
    /// hundreds of matrix products a token.
    /// </summary>
    public static void Compute(WeightMatrix[] ws, float* x, nint[] ys, int tokens, WorkerPool pool, NativeBuffer<byte> scratch)
    {
        int cols = ws[0].Cols;
        if (ws.Any(w => w.Cols != cols))
        {
            for (int i = 0; i < ws.Length; i++) Compute([ws[i]], x, [ys[i]], tokens, pool, scratch);
            return;
        }
        ActivationFormat[] formats = Formats(ws);
        var actBytes = new int[formats.Length];
        var acts = new nint[formats.Length];
        long need = 0;
        for (int f = 0; f < formats.Length; f++)
        {
            actBytes[f] = formats[f].RowBytes(cols);
            acts[f] = (nint)(scratch.Pointer + need);
            need += (long)actBytes[f] * tokens;
        }
        if (scratch.ByteLength < need) throw new ArgumentException("Activation scratch buffer is too small.", nameof(scratch));
        nint xp = (nint)x;

        if (tokens > 1)
            pool.Run(pool.TaskCountFor(tokens, 1), task =>
            {
                var (start, end) = Range(tokens, pool.TaskCountFor(tokens, 1), task);
                for (int t = start; t < end; t++)
                    for (int f = 0; f < formats.Length; f++)
                        formats[f].Convert(new ReadOnlySpan<float>((float*)xp + (long)t * cols, cols), new Span<byte>((byte*)acts[f] + (long)t * actBytes[f], actBytes[f]));
            });
        else
            for (int f = 0; f < formats.Length; f++)
                formats[f].Convert(new ReadOnlySpan<float>(x, cols), new Span<byte>((byte*)acts[f], actBytes[f]));

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
                int f = Array.IndexOf(formats, ws[i].Kernel.Activation);
                var (tileRows, tileTokens) = ws[i].Kernel.TileFor(path, tokens);
                Rows(ws[i], (byte*)acts[f], actBytes[f], (float*)ys[i], from, to, tokens, tileRows, tileTokens, path);
            }
        });
    }

    /// <summary>The activation formats of <paramref name="ws"/>, each once, in order of first use.</summary>
    private static ActivationFormat[] Formats(WeightMatrix[] ws)
    {
        var formats = new List<ActivationFormat>(1);
        foreach (var w in ws)
            if (!formats.Contains(w.Kernel.Activation)) formats.Add(w.Kernel.Activation);
        return formats.ToArray();
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
                for (; t < t1; t++)
                    for (int i = 0; i < tileRows; i++)
                        y[(long)t * rows + r + i] = kernel.Dot(w.Row(r + i), a0 + (long)t * actBytes, cols, path);
            }
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
    public static long ScratchBytes(WeightMatrix w, int tokens) => ScratchBytes([w], tokens);

    /// <summary>Bytes of activation scratch one <see cref="Compute(WeightMatrix[], float*, nint[], int, WorkerPool, NativeBuffer{byte})"/> over <paramref name="ws"/> needs: a converted input per activation format.</summary>
    public static long ScratchBytes(WeightMatrix[] ws, int tokens) =>
        ws.Any(w => w.Cols != ws[0].Cols) ? ws.Max(w => ScratchBytes(w, tokens)) : Formats(ws).Sum(f => (long)f.RowBytes(ws[0].Cols) * tokens);

    internal static (int Start, int End) Range(int count, int parts, int index) =>
        ((int)((long)count * index / parts), (int)((long)count * (index + 1) / parts));
}
