using LlamaPS.Engine.Inference;

namespace LlamaPS.Benchmarks;

/// <summary>
/// One line of the comparison table: a test on both engines (ours missing when it cannot load the type), and for
/// memory-bound tests the weight bytes each token reads, which gives the share of memory bandwidth each reached.
/// </summary>
internal sealed record ComparisonRow(string Type, string Test, ModelBenchmarkResult LlamaCpp, ModelBenchmarkResult? LlamaPS, long? WeightBytesPerToken)
{
    public string Format(double bandwidthGBps)
    {
        string Speed(ModelBenchmarkResult? r) => r is null ? "n/a" : $"{r.Median:F2} ± {r.StdDev:F2}";
        string Bandwidth(ModelBenchmarkResult? r) => r is null || WeightBytesPerToken is not long bytes
            ? "" : $"{bytes * r.Median / (bandwidthGBps * 1e9):P0}";
        string ratio = LlamaPS is null ? "n/a" : $"{LlamaPS.Median / LlamaCpp.Median:F2}";
        return $"| {Type} | {Test} | {Speed(LlamaCpp)} | {Speed(LlamaPS)} | {ratio} | {Bandwidth(LlamaCpp)} | {Bandwidth(LlamaPS)} |";
    }
}
