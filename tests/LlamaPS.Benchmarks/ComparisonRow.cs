using LlamaPS.Engine.Inference;

namespace LlamaPS.Benchmarks;

/// <summary>
/// One line of the comparison table: a test on both engines (ours missing when it cannot load the type), and for
/// memory-bound tests the weight bytes each token reads and the memory bandwidth measured around the test, which
/// give the share of it each engine reached.
/// </summary>
internal sealed record ComparisonRow(string Type, string Test, ModelBenchmarkResult LlamaCpp, ModelBenchmarkResult? LlamaPS, long? WeightBytesPerToken, double? BandwidthGBps)
{
    public string Format()
    {
        string Speed(ModelBenchmarkResult? r) => r is null ? "n/a" : $"{r.Median:F2} ± {r.StdDev:F2}";
        string Bandwidth(ModelBenchmarkResult? r) => r is null || WeightBytesPerToken is not long bytes || BandwidthGBps is not double bandwidth
            ? "" : $"{bytes * r.Median / (bandwidth * 1e9):P0}";
        string ratio = LlamaPS is null ? "n/a" : $"{LlamaPS.Median / LlamaCpp.Median:F2}";
        return $"| {Type} | {Test} | {Speed(LlamaCpp)} | {Speed(LlamaPS)} | {ratio} | {BandwidthGBps:F1} | {Bandwidth(LlamaCpp)} | {Bandwidth(LlamaPS)} |";
    }
}
