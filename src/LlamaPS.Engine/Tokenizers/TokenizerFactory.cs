using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>Picks the tokenizer for a model by its <c>tokenizer.ggml.model</c> metadata.</summary>
public static class TokenizerFactory
{
    /// <summary>Builds the model's tokenizer; throws <see cref="TokenizerException"/> for an unsupported tokenizer model or bad vocabulary.</summary>
    public static ITokenizer Create(GgufMetadata metadata)
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
            _ => throw new TokenizerException($"tokenizer model '{model}' is not supported (supported: llama).", Vocabulary.ModelKey),
        };
    }
}
