using System.Management.Automation;
using LlamaPS.Engine.Inference;

namespace LlamaPS.Commands;

/// <summary>Lists the models loaded in this session, optionally filtered by name or path (wildcards allowed).</summary>
[Cmdlet(VerbsCommon.Get, "LlamaModel")]
[OutputType(typeof(LlamaModel))]
public sealed class GetLlamaModelCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void EndProcessing()
    {
        var patterns = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var model in ModelCache.Models)
            if (patterns.Any(p => p.IsMatch(model.Name) || p.IsMatch(model.Path) || p.IsMatch(System.IO.Path.GetFileName(model.Path))))
                WriteObject(model);
    }
}
