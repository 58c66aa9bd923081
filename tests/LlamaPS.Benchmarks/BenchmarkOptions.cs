using LlamaPS.Engine.Models;

namespace LlamaPS.Benchmarks;

/// <summary>
/// The command line: which synthetic models to make and how to measure them, or, with --tokenizer, which vocabulary
/// to tokenize text with (<see cref="TokenizerBenchmark"/>).
/// </summary>
internal sealed record BenchmarkOptions(
    SyntheticModelShape Shape,
    IReadOnlyList<string> Types,
    int Threads,
    int Repetitions,
    int PromptTokens,
    int GenerateTokens,
    int Seed,
    string? Tokenizer,
    string? Text,
    int Megabytes)
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/LlamaPS.Benchmarks -- [--shape TinyLlama-1.1B] [--types Q4_0,Q8_0,Q4_K_M]\n" +
        "       [--threads N (0 = all cores)] [--repetitions 3] [--pp 512] [--tg 128] [--seed 0]\n" +
        "Models are written to (and reused from) $LLAMAPS_BENCH_DIR, default <temp>/llamaps-bench.\n" +
        "   or: dotnet run -c Release --project tests/LlamaPS.Benchmarks -- --tokenizer <vocab.gguf> [--text <file>] [--megabytes 1]\n" +
        "       [--repetitions 3] [--seed 0]\n" +
        "Tokenizes the file repeated to that size (default: generated words, few of them repeating) in both engines.";

    /// <summary>Parses --name value pairs; throws ArgumentException with the problem for anything else.</summary>
    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["shape"] = SyntheticModelShape.TinyLlama.Name, ["types"] = "Q4_0,Q8_0,Q4_K_M", ["threads"] = "0",
            ["repetitions"] = "3", ["pp"] = "512", ["tg"] = "128", ["seed"] = "0", ["tokenizer"] = "", ["text"] = "", ["megabytes"] = "1",
        };
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : "";
            if (!values.ContainsKey(name)) throw new ArgumentException($"Unknown option '{args[i]}'.");
            if (i + 1 >= args.Length) throw new ArgumentException($"Option '{args[i]}' needs a value.");
            values[name] = args[i + 1];
        }
        int Number(string name, int min) => int.TryParse(values[name], out int n) && n >= min
            ? n : throw new ArgumentException($"--{name} must be a whole number of at least {min}.");
        int threads = Number("threads", 0);
        return new BenchmarkOptions(
            SyntheticModelShape.FromName(values["shape"]),
            values["types"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            threads > 0 ? threads : Environment.ProcessorCount,
            Number("repetitions", 1), Number("pp", 0), Number("tg", 0), Number("seed", 0),
            values["tokenizer"].Length > 0 ? values["tokenizer"] : null, values["text"].Length > 0 ? values["text"] : null,
            Number("megabytes", 1));
    }
}
