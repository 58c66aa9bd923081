using System.Management.Automation;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Commands;

/// <summary>
/// Renders a conversation with a chat template, as Hugging Face's apply_chat_template does: the template of a model
/// (tokenizer.chat_template, with the model's BOS and EOS texts) or one given as text. Messages come in order, from
/// -Messages or the pipeline; the rendered prompt is written as one string.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "LlamaChatPrompt", DefaultParameterSetName = ModelSet)]
[OutputType(typeof(string))]
public sealed class ConvertToLlamaChatPromptCommand : PSCmdlet
{
    private const string ModelSet = "Model";
    private const string TemplateSet = "Template";

    private readonly List<object?> _messages = [];

    /// <summary>Hashtables or objects with role and content (and any other keys the template reads), in order.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    [AllowNull]
    public object?[] Messages { get; set; } = [];

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file; default $env:LLAMAPS_MODEL.</summary>
    [Parameter(ParameterSetName = ModelSet)]
    public object? Model { get; set; }

    /// <summary>The template source itself, instead of a model's.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
    public string Template { get; set; } = "";

    /// <summary>Ends the prompt with the opening of the assistant's turn, for the model to continue.</summary>
    [Parameter]
    public SwitchParameter AddGenerationPrompt { get; set; }

    /// <summary>The template's bos_token; default the model's BOS text, or "" with -Template.</summary>
    [Parameter]
    public string? BosToken { get; set; }

    /// <summary>The template's eos_token; default the model's EOS text, or "" with -Template.</summary>
    [Parameter]
    public string? EosToken { get; set; }

    /// <summary>Tool (function) definitions for templates that describe tools to the model; the template's tools.</summary>
    [Parameter]
    public object?[]? Tools { get; set; }

    protected override void ProcessRecord()
    {
        foreach (object? message in Messages)
        {
            try
            {
                _messages.Add(TemplateData.Message(message, _messages.Count));
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "InvalidChatMessage", ErrorCategory.InvalidArgument, message));
            }
        }
    }

    protected override void EndProcessing()
    {
        var template = ParameterSetName == TemplateSet ? new ChatTemplate(Template, BosToken ?? "", EosToken ?? "") : ModelTemplate();
        try
        {
            WriteObject(template.Render(_messages, AddGenerationPrompt, Tools is null ? null : TemplateData.From(Tools)));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            ThrowTerminatingError(ErrorRecords.From(e, template.Source));
        }
    }

    private ChatTemplate ModelTemplate()
    {
        var template = ChatTemplateArgument.Resolve(this, Model);
        if (template is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"The model has no chat template ({ChatTemplate.MetadataKey}); pass one with -Template."),
                "NoChatTemplate", ErrorCategory.ObjectNotFound, Model));
        }
        return BosToken is null && EosToken is null ? template! : new ChatTemplate(template!.Source, BosToken ?? template.BosToken, EosToken ?? template.EosToken);
    }
}
