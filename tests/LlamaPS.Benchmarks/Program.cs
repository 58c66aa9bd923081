using LlamaPS.Benchmarks;
using LlamaPS.Engine.Devices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

// For each requested type: make (or reuse) the synthetic model, load it in both engines, and run each test on ours,
// then on llama.cpp's, one engine after the other. Prints a markdown table of medians and standard deviations.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

LlamaCppBenchmark.SilenceLogging();
if (options.Tokenizer is not null) return TokenizerBenchmark.Run(options);
var shape = options.Shape;
Console.WriteLine($"Shape {shape.Name}, {options.Threads} threads, {options.Repetitions} repetitions after one warm-up run; models in {SyntheticModel.DefaultCacheDirectory}.");
// Token generation reads every weight once per token, so its speed is bounded by memory bandwidth. On a shared
// virtual machine that bandwidth changes from minute to minute (here by up to 2x), so it is measured just before and
// after each memory-bound test, and the higher figure, what the machine gave at least, is the test's bound.
double Bandwidth() => MemoryBandwidthBenchmark.Measure(CancellationToken.None, 512L << 20, runs: 3, threads: options.Threads);

var rows = new List<ComparisonRow>();
var notes = new List<string>();
foreach (string typeName in options.Types)
{
    WeightMix mix;
    string path;
    try
    {
        mix = WeightMix.Parse(typeName);
        path = SyntheticModel.GetOrCreate(shape, mix, options.Seed, out bool created);
        Console.WriteLine($"{mix.Name}: {(created ? "wrote" : "reusing")} {path} ({new FileInfo(path).Length / 1e6:F0} MB).");
    }
    catch (ArgumentException e)
    {
        notes.Add($"{typeName}: no model, so neither engine ran: {e.Message}");
        continue;
    }

    LlamaModel? ours = null;
    try
    {
        ours = LlamaModel.Load(path, new ModelLoadOptions { Threads = options.Threads, ContextLength = options.PromptTokens + options.GenerateTokens });
    }
    catch (UnsupportedModelException e)
    {
        notes.Add($"{mix.Name}: LlamaPS cannot load it yet ({e.Message}); llama.cpp ran alone.");
    }
    using var theirs = new LlamaCppBenchmark(path, options.Threads, options.PromptTokens + options.GenerateTokens, Math.Max(options.PromptTokens, 1));
    long bytesPerToken = WeightBytesPerToken(path);

    void Compare(string test, int tokens, Func<LlamaModel, ModelBenchmarkResult> runOurs, Func<int[], double[]> runTheirs, bool memoryBound)
    {
        if (tokens == 0) return;
        Console.WriteLine($"{mix.Name} {test}...");
        double? before = memoryBound ? Bandwidth() : null;
        ModelBenchmarkResult? ourResult = ours is null ? null : runOurs(ours);
        var theirResult = new ModelBenchmarkResult(shape.Name, new FileInfo(path).Length, 0, "llama.cpp", options.Threads, test, tokens,
            runTheirs(ModelBenchmark.RandomTokens(shape.VocabSize, tokens)), ContextMemoryBytes: 0,
            Memory: default); // llama.cpp runs in this process: its memory has no figure of its own
        double? bandwidth = memoryBound ? Math.Max(before!.Value, Bandwidth()) : null;
        rows.Add(new ComparisonRow(mix.Name, test, theirResult, ourResult, memoryBound ? bytesPerToken : null, bandwidth));
    }

    Compare($"pp{options.PromptTokens}", options.PromptTokens,
        m => ModelBenchmark.PromptProcessing(m, options.PromptTokens, options.Repetitions), ids => theirs.PromptProcessing(ids, options.Repetitions), memoryBound: false);
    Compare($"tg{options.GenerateTokens}", options.GenerateTokens,
        m => ModelBenchmark.TokenGeneration(m, options.GenerateTokens, options.Repetitions), ids => theirs.TokenGeneration(ids, options.Repetitions), memoryBound: true);
    ours?.Dispose();
}

Console.WriteLine();
Console.WriteLine($"{shape.Name}, {options.Threads} threads, {Environment.ProcessorCount} cores; t/s as median ± std dev of {options.Repetitions} runs; ratio = LlamaPS / llama.cpp; GB/s = memory bandwidth, the higher of just before and just after the test; BW = weight bytes per token × t/s / GB/s.");
Console.WriteLine();
Console.WriteLine("| type | test | llama.cpp t/s | LlamaPS t/s | ratio | GB/s | llama.cpp BW | LlamaPS BW |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var row in rows) Console.WriteLine(row.Format());
foreach (string note in notes) Console.WriteLine($"\n{note}");
return 0;

// Every matrix is read once per token except the embedding table, of which one row is.
static long WeightBytesPerToken(string path)
{
    using var file = GgufFile.Open(path);
    return file.Tensors.Where(t => t.Name != "token_embd.weight").Sum(t => t.ByteSize);
}
