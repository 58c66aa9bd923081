using System.Diagnostics;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Devices;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// llama-bench's two measurements on a loaded model. Prompt processing (ppN) evaluates N random tokens as one batch
/// from an empty context; token generation (tgN) evaluates N random tokens one at a time from an empty context, with
/// no prompt. Each test runs once untimed (JIT, page faults, caches), then <c>repetitions</c> timed runs.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Token ids are random but fixed, so every run and every engine sees the same input.</summary>
    public const int TokenSeed = 1234;

    public static ModelBenchmarkResult PromptProcessing(LlamaModel model, int tokens, int repetitions, CancellationToken cancellationToken = default) =>
        Run(model, $"pp{tokens}", tokens, repetitions, (context, ids, logits) => context.Evaluate(ids, 0, logits), cancellationToken);

    public static ModelBenchmarkResult TokenGeneration(LlamaModel model, int tokens, int repetitions, CancellationToken cancellationToken = default) =>
        Run(model, $"tg{tokens}", tokens, repetitions, (context, ids, logits) =>
        {
            for (int i = 0; i < ids.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.Evaluate(ids.AsSpan(i, 1), i, logits);
            }
        }, cancellationToken);

    /// <summary>The ids both engines evaluate: <paramref name="count"/> tokens drawn from the whole vocabulary.</summary>
    public static int[] RandomTokens(int vocabSize, int count)
    {
        var random = new Random(TokenSeed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocabSize)).ToArray();
    }

    private static ModelBenchmarkResult Run(LlamaModel model, string test, int tokens, int repetitions,
        Action<IInferenceContext, int[], float[]> evaluate, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        if (tokens > model.ContextLength) throw new ContextLengthExceededException(tokens, model.ContextLength);

        int[] ids = RandomTokens(model.Gguf.Config.VocabSize, tokens);
        var logits = new float[model.Gguf.Config.VocabSize];
        var samples = new double[repetitions];
        IInferenceContext context = model.Rent();
        try
        {
            // Every run starts at position 0, which is an empty context: positions before it are never read.
            evaluate(context, ids, logits);
            for (int r = 0; r < repetitions; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long start = Stopwatch.GetTimestamp();
                evaluate(context, ids, logits);
                samples[r] = tokens / Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            return new ModelBenchmarkResult(
                model.Name, model.FileSize, model.ParameterCount,
                model.Backend is CpuBackend ? "CPU" : model.Device,
                model.Options.Threads > 0 ? model.Options.Threads : Environment.ProcessorCount,
                test, tokens, samples, context.MemoryBytes, ProcessMemory.Current());
        }
        finally
        {
            model.Return(context);
        }
    }
}
