using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>Picks the tokenizer for a model by its <c>tokenizer.ggml.model</c> metadata.</summary>
public static class TokenizerFactory
{
    /// <summary>
    /// Builds the model's tokenizer; throws <see cref="UnsupportedModelException"/> for a tokenizer model (or BPE
    /// pre-tokenizer) we do not implement and <see cref="TokenizerException"/> for a bad vocabulary. <paramref name="source"/>
    /// names the file in messages.
    /// </summary>
    public static ITokenizer Create(GgufMetadata metadata, string source = "GGUF metadata")
    {
        string model = Vocabulary.Read(Vocabulary.ModelKey, () => metadata.GetString(Vocabulary.ModelKey))
            ?? throw new TokenizerException("is missing.", Vocabulary.ModelKey);
        return model switch
        {
            "llama" => new SentencePieceTokenizer(Vocabulary.FromGguf(metadata)),
            "gpt2" => CreateBytePair(metadata, source),
            "bert" => CreateWordPiece(metadata),
            _ => throw new UnsupportedModelException(source, UnsupportedFeature.Tokenizer, model,
                $"tokenizer model '{model}' is not supported (supported: llama, gpt2, bert)."),
        };
    }

    private static BytePairTokenizer CreateBytePair(GgufMetadata metadata, string source)
    {
        var vocabulary = Vocabulary.FromGguf(metadata);
        if (PreTokenizerCatalog.Find(vocabulary.PreTokenizer) is null)
        {
            throw new UnsupportedModelException(source, UnsupportedFeature.Tokenizer, vocabulary.PreTokenizer,
                $"BPE pre-tokenizer '{vocabulary.PreTokenizer}' ({Vocabulary.PreTokenizerKey}) is not supported " +
                $"(supported: {string.Join(", ", PreTokenizerCatalog.Names)}).");
        }
        string[] merges = Vocabulary.Read(BytePairTokenizer.MergesKey, () => metadata.GetArray<string>(BytePairTokenizer.MergesKey))
            ?? throw new TokenizerException("is missing.", BytePairTokenizer.MergesKey);
        return new BytePairTokenizer(vocabulary, merges);
    }

    private static WordPieceTokenizer CreateWordPiece(GgufMetadata metadata)
    {
        bool lowercase = Vocabulary.Read(WordPieceTokenizer.LowercaseKey, () => metadata.GetBool(WordPieceTokenizer.LowercaseKey)) ?? true;
        bool? stripAccents = Vocabulary.Read(WordPieceTokenizer.StripAccentsKey, () => metadata.GetBool(WordPieceTokenizer.StripAccentsKey));
        return new WordPieceTokenizer(Vocabulary.FromGguf(metadata), lowercase, stripAccents);
    }
}
