using System.Management.Automation;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>Evicts models from the session cache and frees their memory.</summary>
[Cmdlet(VerbsCommon.Remove, "LlamaModel", SupportsShouldProcess = true, DefaultParameterSetName = ByModel)]
public sealed class RemoveLlamaModelCommand : PSCmdlet
{
    private const string ByModel = "Model";
    private const string ByPath = "Path";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByModel)]
    public LlamaModel[] Model { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = ByPath)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByModel)
        {
            foreach (var m in Model) Remove(m, m.Path);
            return;
        }
        foreach (string p in Path)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            var matches = ModelCache.Models.Where(m => m.Path == full).ToArray();
            if (matches.Length == 0)
                WriteError(new ErrorRecord(new ItemNotFoundException($"No model from {full} is loaded."), "ModelNotLoaded", ErrorCategory.ObjectNotFound, p));
            foreach (var m in matches) Remove(m, p);
        }
    }

    private void Remove(LlamaModel model, string target)
    {
        if (!ShouldProcess(model.Path, "Remove model from the session cache")) return;
        if (!ModelCache.Remove(model))
            WriteError(new ErrorRecord(new ItemNotFoundException($"The model {model.Name} ({model.Path}) is not in the session cache."), "ModelNotLoaded", ErrorCategory.ObjectNotFound, target));
    }
}
