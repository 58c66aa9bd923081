using System.Diagnostics;
using System.Management.Automation;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Commands;

/// <summary>
/// Embeds texts: one object per text, with its vector pooled as the model's GGUF declares ({arch}.pooling_type) or
/// as -Pooling says. Each piped object is a text of its own (Invoke-LlamaPrompt, by contrast, joins piped lines into
/// one document). A text that cannot be embedded is an error for that text; the others go on.
/// </summary>
[Cmdlet(VerbsCommon.Get, "LlamaEmbedding")]
[OutputType(typeof(TextEmbedding))]
public sealed class GetLlamaEmbeddingCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private TextEmbedder? _embedder;
    private EmbeddingOptions? _options;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    [AllowNull]
    public string?[] Text { get; set; } = [];

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file; default $env:LLAMAPS_MODEL.</summary>
    [Parameter]
    public object? Model { get; set; }

    /// <summary>Scale each vector to unit Euclidean length.</summary>
    [Parameter]
    public SwitchParameter Normalize { get; set; }

    /// <summary>Pool with Mean, Cls or Last instead of what the model declares.</summary>
    [Parameter]
    [ValidateSet(nameof(PoolingType.Mean), nameof(PoolingType.Cls), nameof(PoolingType.Last))]
    public PoolingType Pooling { get; set; }

    /// <summary>Embed the first tokens that fit the context instead of refusing a longer text.</summary>
    [Parameter]
    public SwitchParameter Truncate { get; set; }

    /// <summary>CPU threads; 0 uses every core. Given, the model is loaded through the cache with this count.</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Tokens a text may have; 0 takes the model's training context, capped at 4096. Given, the model is loaded through the cache with it.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int ContextLength { get; set; }

    protected override void BeginProcessing()
    {
        bool threads = IsBound(nameof(Threads)), context = IsBound(nameof(ContextLength));
        LlamaModel model = threads || context
            ? ModelArgument.Resolve(this, Model, options => options with
            {
                Threads = threads ? Threads : options.Threads,
                ContextLength = context ? ContextLength : options.ContextLength,
            })
            : ModelArgument.Resolve(this, Model);
        _embedder = new TextEmbedder(model);
        _options = new EmbeddingOptions { Pooling = IsBound(nameof(Pooling)) ? Pooling : null, Normalize = Normalize, Truncate = Truncate };
        try
        {
            // A reranker is refused once, before any text.
            WriteVerbose($"Embedding with {model.Name}: {_embedder.PoolingFor(_options.Pooling)} pooling, up to {model.ContextLength} tokens per text.");
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            ThrowTerminatingError(ErrorRecords.From(e, model));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string? text in Text)
        {
            if (string.IsNullOrEmpty(text))
            {
                WriteError(new ErrorRecord(new ArgumentException("The text is empty: there is nothing to embed."), "EmptyText", ErrorCategory.InvalidArgument, text));
                continue;
            }
            long start = Stopwatch.GetTimestamp();
            TextEmbedding embedding;
            try
            {
                embedding = _embedder!.Embed(text, _options!, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (ContextLengthExceededException e)
            {
                WriteError(new ErrorRecord(e, "TextTooLong", ErrorCategory.LimitsExceeded, text)
                {
                    ErrorDetails = new ErrorDetails($"{e.Message} Pass -Truncate to embed its first {e.ContextLength} tokens, or a larger -ContextLength."),
                });
                continue;
            }
            catch (Exception e) when (ErrorRecords.IsExpected(e))
            {
                WriteError(ErrorRecords.From(e, text));
                continue;
            }
            TimeSpan time = Stopwatch.GetElapsedTime(start);
            WriteVerbose($"{embedding.TokenCount} tokens{(embedding.Truncated ? " (truncated)" : "")} in {time.TotalMilliseconds:F0} ms ({embedding.TokenCount / Math.Max(time.TotalSeconds, 1e-9):F1} tokens/s).");
            WriteObject(embedding);
        }
    }

    private bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
