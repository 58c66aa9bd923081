using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Rules of llama.cpp's WordPiece tokenizer beyond its test vectors.</summary>
public class WordPieceTokenizerTests
{
    private const int Cls = 101, Sep = 102, Unknown = 100, Hello = 7592, World = 2088;

    [Fact]
    public void Encode_AddSpecial_WrapsTheSequenceInClsAndSep()
    {
        Assert.Equal([Cls, Hello, World, Sep], TestTokenizers.BertBge.Encode("hello world", addSpecial: true, parseSpecial: false));
    }

    [Fact]
    public void Encode_UncasedVocabulary_LowercasesAndStripsAccents()
    {
        Assert.Equal([Hello, World], TestTokenizers.BertBge.Encode("Héllo WORLD", addSpecial: false, parseSpecial: false));
    }

    /// <summary>A word with a part that starts no token is one unknown token as a whole; the next word is not affected.</summary>
    [Fact]
    public void Encode_WordWithoutCover_IsOneUnknownToken()
    {
        Assert.Equal([Unknown, Hello], TestTokenizers.BertBge.Encode("🚀 hello", addSpecial: false, parseSpecial: false));
    }

    /// <summary>llama.cpp strips accents by keeping the first code point of each decomposition: a Hangul syllable becomes its leading consonant.</summary>
    [Fact]
    public void Encode_StripAccents_KeepsTheFirstCodePointOfADecomposition()
    {
        ITokenizer tokenizer = TestTokenizers.BertBge;

        Assert.Equal(tokenizer.Encode("\u1100", addSpecial: false, parseSpecial: false), tokenizer.Encode("곖", addSpecial: false, parseSpecial: false));
        Assert.NotEqual([Unknown], tokenizer.Encode("곖", addSpecial: false, parseSpecial: false));
    }

    [Fact]
    public void Encode_ParseSpecial_MatchesControlTokensOnlyWhenAsked()
    {
        ITokenizer tokenizer = TestTokenizers.BertBge;

        Assert.Equal([Cls, Hello], tokenizer.Encode("[CLS] hello", addSpecial: false, parseSpecial: true));
        Assert.DoesNotContain(Cls, tokenizer.Encode("[CLS] hello", addSpecial: false, parseSpecial: false));
    }

    /// <summary>
    /// A word's first piece carries the space llama.cpp's converter put before it, punctuation being a word too;
    /// continuations join on. (llama.cpp's whole-text detokenize would then drop the space before the comma.)
    /// </summary>
    [Fact]
    public void Decode_GivesWordsWithTheirLeadingSpaces()
    {
        ITokenizer tokenizer = TestTokenizers.BertBge;
        int[] ids = tokenizer.Encode("Hello world, unaffable", addSpecial: true, parseSpecial: false);

        Assert.True(ids.Length > 6, "unaffable takes several pieces");
        Assert.Equal(" hello world , unaffable", TokenTextDecoder.Decode(tokenizer, ids));
    }

    /// <summary>The vocabulary's normalizer flags decide casing: a cased vocabulary keeps "Hello".</summary>
    [Theory]
    [InlineData(true, new[] { 3, 4 })]
    [InlineData(false, new[] { 1, 2 })]
    public void Encode_NormalizerLowercaseFlag_DecidesCasing(bool lowercase, int[] expected)
    {
        var metadata = new MetadataBuilder()
            .Set(Vocabulary.ModelKey, "bert")
            .Set(Vocabulary.TokensKey, MetadataBuilder.Array(GgufValueType.String, new[] { "[UNK]", "▁Hello", "▁Été", "▁hello", "▁ete" }))
            .Set("tokenizer.ggml.unknown_token_id", 0u)
            .Set(WordPieceTokenizer.LowercaseKey, lowercase)
            .Build();
        ITokenizer tokenizer = TokenizerFactory.Create(metadata);

        Assert.Equal(expected, tokenizer.Encode("Hello Été", addSpecial: false, parseSpecial: false));
    }
}
