using System.Management.Automation;
using System.Text;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>
/// Sends a message to a chat from New-LlamaChat and returns the reply; the chat keeps both, and its model's KV cache,
/// so the next turn evaluates only what is new. Each piped message is a turn of its own. Sampling parameters given
/// here apply to this call's turns; the others are the chat's.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlamaChat")]
[OutputType(typeof(string))]
public sealed class InvokeLlamaChatCommand : GenerationCommand, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The chat, from New-LlamaChat.</summary>
    [Parameter(Mandatory = true)]
    public ChatSession Chat { get; set; } = null!;

    /// <summary>The user's message; each piped one is a turn.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public string Message { get; set; } = "";

    /// <summary>Writes each piece of the reply down the pipeline as soon as it is generated.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    protected override void BeginProcessing()
    {
        if (Unusable() is { } error) ThrowTerminatingError(error);
    }

    protected override void ProcessRecord()
    {
        var output = new StringBuilder();
        try
        {
            foreach (string piece in Chat.Send(Message, GivenOptions(Chat.Options), _stopping.Token))
            {
                if (Stream) WriteObject(piece);
                else output.Append(piece);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (ObjectDisposedException) when (Unusable() is { } error)
        {
            ThrowTerminatingError(error);
        }
        catch (ChatSessionBusyException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, Chat));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            // This message fails (too long for the context, refused by the template); the chat is as it was.
            WriteError(ErrorRecords.From(e, Message));
            return;
        }
        if (_stopping.IsCancellationRequested) throw new PipelineStoppedException();
        if (!Stream) WriteObject(output.ToString());
        WriteStatsVerbose(Chat.LastStats!, cache: true);
    }

    /// <summary>Why the chat can take no turn, or null: it was disposed, or its model was.</summary>
    private ErrorRecord? Unusable()
    {
        if (Chat.IsDisposed)
            return new ErrorRecord(new ObjectDisposedException(nameof(ChatSession), "The chat was disposed; start another with New-LlamaChat."),
                "ChatDisposed", ErrorCategory.InvalidOperation, Chat);
        if (Chat.Model.IsDisposed)
            return new ErrorRecord(new ObjectDisposedException(Chat.Model.Name, "The chat's model was removed with Remove-LlamaModel; import it again and start a new chat with New-LlamaChat -Messages $chat.Messages."),
                "ModelRemoved", ErrorCategory.InvalidOperation, Chat);
        return null;
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
