using System.Diagnostics;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Prompt in, text pieces out: tokenizes the prompt (BOS as the metadata says, special tokens parsed), evaluates it
/// as one batch, then samples token by token reusing the KV cache. Pieces are yielded as soon as they are complete
/// UTF-8 and cannot be the start of a stop string. Cancellation is checked before every token. A caller that keeps a
/// context between generations (a chat) passes it as a <see cref="CachedSequence"/>, so the part of the prompt its
/// cache already holds is not evaluated again.
/// </summary>
public sealed class TextGenerator(LlamaModel model)
{
    /// <summary>Filled when an enumeration of Generate finishes (also when cancelled).</summary>
    public GenerationStats? Stats { get; private set; }

    /// <summary>Generates after <paramref name="prompt"/> in a context rented from the model for the enumeration.</summary>
    public IEnumerable<string> Generate(string prompt, GenerationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var sampler = SamplerFor(options);
        int[] promptIds = model.Tokenizer.Encode(prompt, addSpecial: true, parseSpecial: true);
        if (promptIds.Length == 0) throw new ArgumentException("The prompt is empty and the model adds no BOS token.", nameof(prompt));
        CheckFits(promptIds, model.ContextLength);
        return RunRented(promptIds, options, sampler, cancellation);
    }

    /// <summary>
    /// Generates after <paramref name="promptIds"/> (the whole sequence, from position 0) in the caller's context,
    /// evaluating only what follows the prefix its cache holds. Afterwards the sequence holds the prompt and the
    /// generated tokens that were evaluated (all but the last one sampled).
    /// </summary>
    public IEnumerable<string> Generate(CachedSequence sequence, int[] promptIds, GenerationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(promptIds);
        var sampler = SamplerFor(options);
        if (promptIds.Length == 0) throw new ArgumentException("There are no prompt tokens.", nameof(promptIds));
        CheckFits(promptIds, sequence.Context.ContextLength);
        return Run(sequence, promptIds, options, sampler, cancellation);
    }

    private static Sampler SamplerFor(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new Sampler(options.Sampling);
    }

    /// <summary>The prompt and at least one generated token must fit.</summary>
    private static void CheckFits(int[] promptIds, int contextLength)
    {
        if (promptIds.Length >= contextLength) throw new ContextLengthExceededException(promptIds.Length + 1, contextLength);
    }

    private IEnumerable<string> RunRented(int[] promptIds, GenerationOptions options, Sampler sampler, CancellationToken cancellation)
    {
        var ctx = model.Rent();
        try
        {
            foreach (string piece in Run(new CachedSequence(ctx), promptIds, options, sampler, cancellation)) yield return piece;
        }
        finally
        {
            model.Return(ctx);
        }
    }

    private IEnumerable<string> Run(CachedSequence sequence, int[] promptIds, GenerationOptions options, Sampler sampler, CancellationToken cancellation)
    {
        var vocab = model.Tokenizer.Vocabulary;
        var logits = new float[model.Gguf.Config.VocabSize];
        var history = new List<int>(promptIds);
        var decoder = new TokenTextDecoder(model.Tokenizer);
        var stops = new StopStringFilter(options.Stop);
        var clock = Stopwatch.StartNew();
        TimeSpan promptTime = TimeSpan.Zero;
        int cached = 0;
        int generated = 0;
        // Every end of the loop sets its reason; left as it is, the caller stopped enumerating (or it failed).
        StopReason reason = StopReason.Cancelled;
        try
        {
            cancellation.ThrowIfCancellationRequested();
            cached = sequence.EvaluatePrompt(promptIds, logits);
            promptTime = clock.Elapsed;
            clock.Restart();
            while (true)
            {
                if (generated >= options.MaxTokens) { reason = StopReason.MaxTokens; break; }
                if (cancellation.IsCancellationRequested) { reason = StopReason.Cancelled; break; }
                int id = sampler.Sample(logits, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(history));
                if (vocab.IsEndOfGeneration(id)) { reason = StopReason.EndOfGeneration; break; }
                generated++;
                history.Add(id);
                string text = stops.Push(decoder.Append(id), out bool stopped);
                if (text.Length > 0) yield return text;
                if (stopped) { reason = StopReason.StopString; break; }
                if (sequence.Length >= sequence.Context.ContextLength) { reason = StopReason.ContextFull; break; }
                if (generated >= options.MaxTokens) { reason = StopReason.MaxTokens; break; }
                sequence.Append(id, logits);
            }
            if (reason != StopReason.StopString)
            {
                string rest = stops.Push(decoder.Flush(), out bool stopped) + (stopped ? "" : stops.Flush());
                if (rest.Length > 0) yield return rest;
            }
        }
        finally
        {
            Stats = new GenerationStats(promptIds.Length, promptTime, generated, clock.Elapsed, reason, cached);
        }
    }
}
