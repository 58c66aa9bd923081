using LlamaPS.Engine.Devices;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// One llama-bench style test of one model: the test's name (pp512, tg128), the tokens/s of each timed run, and
/// what the model and its context occupy.
/// </summary>
/// <param name="ContextMemoryBytes">The KV cache and work buffers the test's context holds beyond the weights.</param>
/// <param name="Memory">The process's resident memory after the timed runs: the weights, memory-mapped, count as
/// file-backed pages; the KV cache, buffers and the runtime itself as anonymous ones.</param>
public sealed record ModelBenchmarkResult(
    string Model,
    long ModelSize,
    long Parameters,
    string Backend,
    int Threads,
    string Test,
    int Tokens,
    IReadOnlyList<double> Samples,
    long ContextMemoryBytes,
    ProcessMemory Memory)
{
    /// <summary>Mean tokens/s over the timed runs, as llama-bench reports it.</summary>
    public double TokensPerSecond => Samples.Average();

    /// <summary>Sample standard deviation of the runs' tokens/s (0 for a single run), as llama-bench reports it.</summary>
    public double StdDev
    {
        get
        {
            if (Samples.Count < 2) return 0;
            double mean = TokensPerSecond;
            return Math.Sqrt(Samples.Sum(s => (s - mean) * (s - mean)) / (Samples.Count - 1));
        }
    }

    public double Median
    {
        get
        {
            var sorted = Samples.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}
