using System.Management.Automation;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS;

/// <summary>Resolves a -Model value to a tokenizer: a loaded model's, or one from a GGUF path (weights not required).</summary>
internal static class TokenizerArgument
{
    public static ITokenizer Resolve(PSCmdlet cmdlet, object? model)
    {
        if ((model is PSObject pso ? pso.BaseObject : model) is LlamaModel)
            return ModelArgument.Resolve(cmdlet, model).Tokenizer;
        string path = ModelArgument.PathOf(cmdlet, model)!;
        ITokenizer? tokenizer = null;
        try
        {
            tokenizer = ModelCache.GetTokenizer(path, new ModelLoadOptions());
        }
        catch (Exception e) when (ErrorRecords.IsExpected(e))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(e, path));
        }
        return tokenizer!;
    }
}
