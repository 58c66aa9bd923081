using System.Collections;
using System.Management.Automation;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Templates;

namespace LlamaPS.Commands;

/// <summary>
/// Starts a chat with a chat model: a session that keeps the conversation and the model's KV cache between turns
/// (Invoke-LlamaChat sends them), so each turn evaluates only what is new. The conversation can start from earlier
/// messages (-Messages, after a -System message) or from a file Save-LlamaChat wrote (-Path), whose model, template
/// and settings it takes unless given here.
/// </summary>
[Cmdlet(VerbsCommon.New, "LlamaChat", DefaultParameterSetName = NewSet)]
[OutputType(typeof(ChatSession))]
public sealed class NewLlamaChatCommand : GenerationCommand
{
    private const string NewSet = "New";
    private const string PathSet = "Path";

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file; default the saved chat's, then $env:LLAMAPS_MODEL.</summary>
    [Parameter]
    public object? Model { get; set; }

    /// <summary>The system message the conversation starts with (instructions, a persona).</summary>
    [Parameter(ParameterSetName = NewSet)]
    public string? System { get; set; }

    /// <summary>A chat template's source to render turns with instead of the model's (needed for a model without one).</summary>
    [Parameter(ParameterSetName = NewSet)]
    public string? Template { get; set; }

    /// <summary>Earlier messages, in order: hashtables or objects with role and content, or another chat's Messages.</summary>
    [Parameter(ParameterSetName = NewSet)]
    [AllowEmptyCollection]
    public object?[] Messages { get; set; } = [];

    /// <summary>A chat saved by Save-LlamaChat to continue.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    protected override void EndProcessing()
    {
        ChatTranscript? saved = ParameterSetName == PathSet ? ReadTranscript() : null;
        var model = ModelArgument.Resolve(this, Model ?? saved?.Model);
        string? template = saved is null ? Template : saved.Template;
        if (template is null && model.ChatTemplate is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"The model {model.Name} has no chat template ({ChatTemplate.MetadataKey}); pass one with -Template."),
                "NoChatTemplate", ErrorCategory.InvalidOperation, model));
        }
        var messages = saved?.Messages ?? StartingMessages();
        ChatSession? chat = null;
        try
        {
            chat = new ChatSession(model, messages, template, GivenOptions(saved?.Options ?? new GenerationOptions()));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            ThrowTerminatingError(ErrorRecords.From(e, template ?? (object)model));
        }
        WriteVerbose($"Chat with {model.Name}: {messages.Count} messages, {(template is null ? "the model's chat template" : "the given chat template")}, a context of {chat!.ContextLength} tokens.");
        WriteObject(chat);
    }

    private ChatTranscript ReadTranscript()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            return ChatTranscript.Load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ChatFileNotFound", ErrorCategory.ObjectNotFound, path));
        }
        catch (InvalidDataException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidChatFile", ErrorCategory.InvalidData, path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ChatFileReadError", ErrorCategory.ReadError, path));
        }
        return null!;
    }

    /// <summary>The -System message, then -Messages.</summary>
    private List<ChatMessage> StartingMessages()
    {
        var messages = new List<ChatMessage>();
        if (System is not null) messages.Add(new ChatMessage(ChatMessage.SystemRole, System));
        foreach (object? value in Messages)
        {
            try
            {
                messages.Add(MessageOf(value, messages.Count));
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "InvalidChatMessage", ErrorCategory.InvalidArgument, value));
            }
        }
        if (System is not null && messages.Skip(1).Any(m => m.Role == ChatMessage.SystemRole))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-System and a system message in -Messages were both given: give the system message once."),
                "DuplicateSystemMessage", ErrorCategory.InvalidArgument, System));
        }
        return messages;
    }

    /// <summary>A chat's message, or a hashtable or object with a role and text content (in any letter case) and nothing else.</summary>
    private static ChatMessage MessageOf(object? value, int index)
    {
        var fields = TemplateData.Message(value, index);
        foreach (DictionaryEntry field in fields)
        {
            if (field.Key is not ("role" or "content"))
                throw new ArgumentException($"Message {index} has '{field.Key}': a chat keeps only each message's role and content.");
        }
        return fields["content"] switch
        {
            string content => new ChatMessage((string)fields["role"]!, content),
            null => throw new ArgumentException($"Message {index} has no content: give each message its text as content."),
            var other => throw new ArgumentException($"Message {index} has content of type {other.GetType().Name}: give its text as a string."),
        };
    }
}
