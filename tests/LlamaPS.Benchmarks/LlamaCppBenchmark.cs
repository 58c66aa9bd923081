using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace LlamaPS.Benchmarks;

/// <summary>
/// llama-bench's method on llama.cpp through LLamaSharp, mirroring <see cref="Engine.Inference.ModelBenchmark"/>:
/// pp decodes all tokens as one batch, tg decodes them one at a time, each run from a cleared KV cache, after one
/// untimed warm-up run. Returns the tokens/s of each timed run.
/// </summary>
internal sealed class LlamaCppBenchmark : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly int _batchSize;

    public LlamaCppBenchmark(string path, int threads, int contextLength, int batchSize)
    {
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)contextLength,
            BatchSize = (uint)batchSize,
            UBatchSize = (uint)batchSize,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
        };
        _batchSize = batchSize;
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    /// <summary>Keeps llama.cpp's load and decode logging off the console, so the table stays readable.</summary>
    public static void SilenceLogging() => NativeLibraryConfig.All.WithLogCallback((_, _) => { });

    public double[] PromptProcessing(int[] ids, int repetitions)
    {
        if (ids.Length > _batchSize) throw new ArgumentException($"pp{ids.Length} does not fit one batch of {_batchSize}.");
        return Measure(ids.Length, repetitions, () =>
        {
            var batch = new LLamaBatch();
            for (int i = 0; i < ids.Length; i++) batch.Add(ids[i], i, LLamaSeqId.Zero, logits: i == ids.Length - 1);
            Decode(batch);
        });
    }

    public double[] TokenGeneration(int[] ids, int repetitions)
    {
        var batch = new LLamaBatch();
        return Measure(ids.Length, repetitions, () =>
        {
            for (int i = 0; i < ids.Length; i++)
            {
                batch.Clear();
                batch.Add(ids[i], i, LLamaSeqId.Zero, logits: true);
                Decode(batch);
            }
        });
    }

    private double[] Measure(int tokens, int repetitions, Action run)
    {
        _context.NativeHandle.MemoryClear(true);
        run();
        var samples = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            _context.NativeHandle.MemoryClear(true);
            long start = Stopwatch.GetTimestamp();
            run();
            _context.NativeHandle.Synchronize();
            samples[r] = tokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return samples;
    }

    private void Decode(LLamaBatch batch)
    {
        DecodeResult result = _context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama_decode failed: {result}.");
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
