using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>Picks the tokenizer for a model by its <c>tokenizer.ggml.model</c> metadata.</summary>
public static class TokenizerFactory
{
    /// <summary>
    /// Builds the model's tokenizer; throws <see cref="UnsupportedModelException"/> for a tokenizer model we do not
    /// implement and <see cref="TokenizerException"/> for a bad vocabulary. <paramref name="source"/> names the file in messages.
    /// </summary>
    public static ITokenizer Create(GgufMetadata metadata, string source = "GGUF metadata")
    {
        string? model;
        try
        {
            model = metadata.GetString(Vocabulary.ModelKey);
        }
        catch (InvalidDataException e)
        {
            throw new TokenizerException(e.Message, Vocabulary.ModelKey, e);
        }
        return model switch
        {
            null => throw new TokenizerException("is missing.", Vocabulary.ModelKey),
            "llama" => new SentencePieceTokenizer(Vocabulary.FromGguf(metadata)),
            _ => throw new UnsupportedModelException(source, UnsupportedFeature.Tokenizer, model,
                $"tokenizer model '{model}' is not supported (supported: llama)."),
        };
    }
}
