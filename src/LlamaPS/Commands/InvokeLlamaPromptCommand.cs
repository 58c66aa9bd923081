using System.Management.Automation;
using System.Text;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Sampling;

namespace LlamaPS.Commands;

/// <summary>
/// Generates text from a prompt. Piped input is gathered into one document (lines joined with newlines, as
/// Get-Content file | ... means it); with -Prompt too, the prompt is an instruction followed by the document.
/// A base model without a chat template is fed exactly that text, as llama.cpp's plain completion does.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlamaPrompt")]
[OutputType(typeof(string))]
public sealed class InvokeLlamaPromptCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<string> _lines = [];

    [Parameter(Position = 0)]
    public string? Prompt { get; set; }

    [Parameter(ValueFromPipeline = true)]
    [AllowEmptyString]
    public string? InputObject { get; set; }

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file; default $env:LLAMAPS_MODEL.</summary>
    [Parameter]
    public object? Model { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxTokens { get; set; } = 256;

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public float Temperature { get; set; } = 0.8f;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TopK { get; set; } = 40;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public float TopP { get; set; } = 0.95f;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public float MinP { get; set; } = 0.05f;

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public float RepeatPenalty { get; set; } = 1.0f;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int RepeatLastN { get; set; } = 64;

    [Parameter]
    public int? Seed { get; set; }

    [Parameter]
    public string[] Stop { get; set; } = [];

    /// <summary>Writes each piece of text down the pipeline as soon as it is generated.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    protected override void ProcessRecord()
    {
        if (MyInvocation.ExpectingInput && InputObject is not null) _lines.Add(InputObject);
    }

    protected override void EndProcessing()
    {
        string? document = _lines.Count > 0 ? string.Join("\n", _lines) : null;
        string text = (Prompt, document) switch
        {
            (not null, not null) => Prompt + "\n\n" + document,
            (not null, null) => Prompt,
            (null, not null) => document,
            _ => "",
        };
        if (text.Length == 0)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Nothing to send: give -Prompt or pipe text in."),
                "NoPrompt", ErrorCategory.InvalidArgument, null));

        var model = ModelArgument.Resolve(this, Model);
        var options = new GenerationOptions
        {
            MaxTokens = MaxTokens,
            Stop = Stop,
            Sampling = new SamplingOptions
            {
                Temperature = Temperature, TopK = TopK, TopP = TopP, MinP = MinP,
                RepeatPenalty = RepeatPenalty, RepeatLastN = RepeatLastN, Seed = Seed,
            },
        };
        var generator = new TextGenerator(model);
        var output = new StringBuilder();
        try
        {
            foreach (string piece in generator.Generate(text, options, _stopping.Token))
            {
                if (Stream) WriteObject(piece);
                else output.Append(piece);
            }
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            ThrowTerminatingError(ErrorRecords.From(e, text));
        }
        if (_stopping.IsCancellationRequested) throw new PipelineStoppedException();
        if (!Stream) WriteObject(output.ToString());

        var s = generator.Stats!;
        WriteVerbose($"Prompt: {s.PromptTokens} tokens in {s.PromptTime.TotalMilliseconds:F0} ms ({s.PromptTokensPerSecond:F1} tokens/s).");
        WriteVerbose($"Generation: {s.GeneratedTokens} tokens in {s.GenerationTime.TotalMilliseconds:F0} ms ({s.GenerationTokensPerSecond:F1} tokens/s), stopped by {s.StopReason}.");
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
