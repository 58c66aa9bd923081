using System.Management.Automation;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS;

/// <summary>
/// Resolves a -Model value to its chat template: a loaded model's, or one read from a GGUF path (metadata and
/// vocabulary only, so no model is loaded and vocabulary-only files work). Null when the model has none.
/// </summary>
internal static class ChatTemplateArgument
{
    public static ChatTemplate? Resolve(PSCmdlet cmdlet, object? model)
    {
        if ((model is PSObject pso ? pso.BaseObject : model) is LlamaModel)
            return ModelArgument.Resolve(cmdlet, model).ChatTemplate;
        string path = ModelArgument.PathOf(cmdlet, model)!;
        if (ModelCache.FindLoaded(path) is { } loaded) return loaded.ChatTemplate;
        ChatTemplate? template = null;
        try
        {
            using var file = GgufFile.Open(path);
            template = ChatTemplate.FromGguf(file.Metadata, Vocabulary.FromGguf(file.Metadata));
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(e, path));
        }
        return template;
    }
}
