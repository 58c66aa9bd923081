using System.Diagnostics;
using LlamaPS.Engine.Sampling;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Prompt in, text pieces out: tokenizes the prompt (BOS as the metadata says, special tokens parsed), evaluates it
/// as one batch, then samples token by token reusing the KV cache. Pieces are yielded as soon as they are complete
/// UTF-8 and cannot be the start of a stop string. Cancellation is checked before every token.
/// </summary>
public sealed class TextGenerator(LlamaModel model)
{
    /// <summary>Filled when an enumeration of <see cref="Generate"/> finishes (also when cancelled).</summary>
    public GenerationStats? Stats { get; private set; }

    public IEnumerable<string> Generate(string prompt, GenerationOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (options.MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxTokens must not be negative.");
        var sampler = new Sampler(options.Sampling);
        int[] promptIds = model.Tokenizer.Encode(prompt, addSpecial: true, parseSpecial: true);
        if (promptIds.Length == 0) throw new ArgumentException("The prompt is empty and the model adds no BOS token.", nameof(prompt));
        if (promptIds.Length >= model.ContextLength)
            throw new ContextLengthExceededException(promptIds.Length + 1, model.ContextLength);
        return Run(promptIds, options, sampler, cancellation);
    }

    private IEnumerable<string> Run(int[] promptIds, GenerationOptions options, Sampler sampler, CancellationToken cancellation)
    {
        var vocab = model.Tokenizer.Vocabulary;
        var logits = new float[model.Gguf.Config.VocabSize];
        var history = new List<int>(promptIds);
        var decoder = new TokenTextDecoder(model.Tokenizer);
        var stops = new StopStringFilter(options.Stop);
        var ctx = model.Rent();
        var clock = Stopwatch.StartNew();
        TimeSpan promptTime = TimeSpan.Zero;
        int generated = 0;
        StopReason reason = StopReason.MaxTokens;
        try
        {
            cancellation.ThrowIfCancellationRequested();
            ctx.Evaluate(promptIds, 0, logits);
            promptTime = clock.Elapsed;
            clock.Restart();
            int pos = promptIds.Length;
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
                if (pos >= ctx.ContextLength) { reason = StopReason.ContextFull; break; }
                if (generated >= options.MaxTokens) { reason = StopReason.MaxTokens; break; }
                ctx.Evaluate([id], pos++, logits);
            }
            if (reason != StopReason.StopString)
            {
                string rest = stops.Push(decoder.Flush(), out bool stopped) + (stopped ? "" : stops.Flush());
                if (rest.Length > 0) yield return rest;
            }
        }
        finally
        {
            Stats = new GenerationStats(promptIds.Length, promptTime, generated, clock.Elapsed, reason);
            model.Return(ctx);
        }
    }
}
