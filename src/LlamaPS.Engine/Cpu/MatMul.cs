namespace LlamaPS.Engine.Cpu;

/// <summary>
/// y[t, r] = sum_k W[r, k] * x[t, k] for W [rows, cols], x [tokens, cols], y [tokens, rows]. Activations are first
/// converted to the weight type's activation format (quantized once per token, not per row); then each task takes a
/// range of weight rows and, while a row is hot in cache, multiplies it with every token.
/// </summary>
public static unsafe class MatMul
{
    public static void Compute(WeightMatrix w, float* x, float* y, int tokens, WorkerPool pool, NativeBuffer<byte> scratch)
    {
        var format = w.Kernel.Activation;
        int cols = w.Cols, rows = w.Rows;
        int actBytes = format.RowBytes(cols);
        if (scratch.ByteLength < (long)actBytes * tokens) throw new ArgumentException("Activation scratch buffer is too small.", nameof(scratch));
        byte* act = scratch.Pointer;
        nint xp = (nint)x, yp = (nint)y, ap = (nint)act;

        if (tokens > 1)
            pool.Run(pool.TaskCountFor(tokens, 1), task =>
            {
                var (start, end) = Range(tokens, pool.TaskCountFor(tokens, 1), task);
                for (int t = start; t < end; t++)
                    format.Convert(new ReadOnlySpan<float>((float*)xp + (long)t * cols, cols), new Span<byte>((byte*)ap + (long)t * actBytes, actBytes));
            });
        else
            format.Convert(new ReadOnlySpan<float>(x, cols), new Span<byte>(act, actBytes));

        // Tiny matrices are not worth waking the pool for.
        int tasks = (long)rows * cols * tokens < 32 * 1024 ? 1 : pool.TaskCountFor(rows);
        var kernel = w.Kernel;
        pool.Run(tasks, task =>
        {
            var (start, end) = Range(rows, tasks, task);
            for (int r = start; r < end; r++)
            {
                byte* row = w.Row(r);
                for (int t = 0; t < tokens; t++)
                    ((float*)yp)[(long)t * rows + r] = kernel.Dot(row, (byte*)ap + (long)t * actBytes, cols);
            }
        });
    }

    /// <summary>Bytes of activation scratch a matmul over <paramref name="w"/> with <paramref name="tokens"/> tokens needs.</summary>
    public static long ScratchBytes(WeightMatrix w, int tokens) => (long)w.Kernel.Activation.RowBytes(w.Cols) * tokens;

    internal static (int Start, int End) Range(int count, int parts, int index) =>
        ((int)((long)count * index / parts), (int)((long)count * (index + 1) / parts));
}
