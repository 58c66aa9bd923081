using System.Management.Automation;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>
/// Writes a chat to a JSON file: its messages (the system message among them), the path of its model, a template
/// given to New-LlamaChat, and its generation settings. New-LlamaChat -Path continues it; the KV cache is not saved,
/// so the first turn then evaluates the conversation again.
/// </summary>
[Cmdlet(VerbsData.Save, "LlamaChat")]
public sealed class SaveLlamaChatCommand : PSCmdlet
{
    /// <summary>The chat to save, from New-LlamaChat.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ChatSession Chat { get; set; } = null!;

    /// <summary>The file to write; an existing file is replaced.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            Chat.ToTranscript().Save(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, "ChatFileWriteError", ErrorCategory.WriteError, path));
            return;
        }
        WriteVerbose($"Saved {Chat.Messages.Count} messages to {path}.");
    }
}
