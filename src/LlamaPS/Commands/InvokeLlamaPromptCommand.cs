using System.Management.Automation;
using System.Text;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Commands;

/// <summary>
/// Generates text from a prompt. Piped input is gathered into one document (lines joined with newlines, as
/// Get-Content file | ... means it); with -Prompt too, the prompt is an instruction followed by the document.
/// A model with a chat template gets that text as one user turn (after a -System turn) through its template, as
/// llama.cpp's chat mode does; -Raw, or a base model without a template, feeds exactly the text, as llama.cpp's
/// plain completion does. Either way special-token texts in the prompt become those tokens, and generation ends at
/// the vocabulary's end-of-generation tokens (EOS, end of turn).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlamaPrompt", DefaultParameterSetName = ChatSet)]
[OutputType(typeof(string))]
public sealed class InvokeLlamaPromptCommand : GenerationCommand, IDisposable
{
    private const string ChatSet = "Chat";
    private const string RawSet = "Raw";

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

    /// <summary>A system turn before the prompt's user turn (instructions, a persona); needs a chat template.</summary>
    [Parameter(ParameterSetName = ChatSet)]
    public string? System { get; set; }

    /// <summary>Feeds the prompt as it is, without the model's chat template.</summary>
    [Parameter(ParameterSetName = RawSet)]
    public SwitchParameter Raw { get; set; }

    /// <summary>Writes each piece of text down the pipeline as soon as it is generated.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    /// <summary>Get-LlamaDevice's index, a kind (CPU, CUDA, OpenCL, ILGPU-CPU), a name, or a device object; default: the model's own.</summary>
    [Parameter]
    public object? Device { get; set; }

    /// <summary>Layers to offload, as llama.cpp's -ngl (see Import-LlamaModel).</summary>
    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int GpuLayers { get; set; } = ModelLoadOptions.AllLayersThatFit;

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

        var model = DeviceArgument.Given(this)
            ? ModelArgument.Resolve(this, Model, options => DeviceArgument.Apply(this, options, Device, GpuLayers))
            : ModelArgument.Resolve(this, Model);
        string prompt = Raw ? text : Chat(model, text);
        var options = GivenOptions(new GenerationOptions());
        var generator = new TextGenerator(model);
        var output = new StringBuilder();
        try
        {
            foreach (string piece in generator.Generate(prompt, options, _stopping.Token))
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

        WriteStatsVerbose(generator.Stats!, cache: false);
    }

    /// <summary>The text as a chat turn through the model's template; the text itself for a model without one.</summary>
    private string Chat(LlamaModel model, string text)
    {
        if (model.ChatTemplate is null)
        {
            if (System is not null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"The model {model.Name} has no chat template ({ChatTemplate.MetadataKey}), so -System has no turn to go in; put the instructions in the prompt."),
                    "NoChatTemplate", ErrorCategory.InvalidOperation, model));
            }
            return text;
        }
        string prompt = text;
        try
        {
            prompt = ChatPrompt.Format(model, text, System);
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            ThrowTerminatingError(ErrorRecords.From(e, model));
        }
        WriteVerbose($"Chat template: the prompt goes in as a user turn{(System is null ? "" : " after a system turn")} ({prompt.Length} characters).");
        return prompt;
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
