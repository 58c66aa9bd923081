using System.Diagnostics;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Devices;

/// <summary>
/// Throughput of the CPU matrix kernels on random weights W [2048, 2048]: the batched product that prompt
/// processing runs (64 tokens, GFLOP/s) and the one-token product that generation runs (reported as GB/s of
/// weights read, since that is what bounds it).
/// </summary>
public static unsafe class MatMulBenchmark
{
    private const int Rows = 2048, Cols = 2048, Batch = 64;

    public static IEnumerable<GgmlType> Types => [GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q8_0, GgmlType.F16, GgmlType.F32];

    /// <summary>(GFLOP/s of the batched product, GB/s of weights in the one-token product).</summary>
    public static (double Gflops, double WeightGBps) Measure(GgmlType type, int threads, CancellationToken cancellation)
    {
        long bytes = GgmlTypeTraits.RowBytes(type, Cols) * Rows;
        using var weights = new NativeBuffer<byte>(bytes);
        RandomWeights.Fill(type, weights.AsSpan(0, (int)bytes), new Random(1));
        var w = new WeightMatrix("benchmark", type, weights.Pointer, Rows, Cols);
        using var x = new NativeBuffer<float>((long)Batch * Cols);
        var rnd = new Random(2);
        for (long i = 0; i < x.Length; i++) x.Pointer[i] = rnd.NextSingle() * 2 - 1;
        using var y = new NativeBuffer<float>((long)Batch * Rows);
        using var scratch = new NativeBuffer<byte>(MatMul.ScratchBytes(w, Batch));
        using var pool = new WorkerPool(threads);

        double Best(int tokens, int repeats)
        {
            double best = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                cancellation.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                MatMul.Compute(w, x.Pointer, y.Pointer, tokens, pool, scratch);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return best;
        }

        Best(Batch, 1); // warm-up: JIT and page faults
        double gemm = Best(Batch, 3);
        double gemv = Best(1, 10);
        return (2.0 * Rows * Cols * Batch / gemm / 1e9, bytes / gemv / 1e9);
    }
}
