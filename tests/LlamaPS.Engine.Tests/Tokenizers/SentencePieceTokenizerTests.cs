using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Rules of llama.cpp's SPM tokenizer that its test vectors do not reach (they never parse special tokens).</summary>
public class SentencePieceTokenizerTests
{
    private const int Hello = 15043; // "▁Hello" in both llama-spm and phi-3

    [Fact]
    public void Encode_AddSpecial_PrependsBos()
    {
        Assert.Equal([1, Hello], TestTokenizers.LlamaSpm.Encode("Hello", addSpecial: true, parseSpecial: false));
    }

    /// <summary>A special token splits the text, and the text after it gets the space prefix again.</summary>
    [Fact]
    public void Encode_ParseSpecial_SplitsAtControlTokenAndPrefixesTheTextAfterIt()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaSpm;

        Assert.Equal([Hello, 2, Hello], tokenizer.Encode("Hello</s>Hello", addSpecial: false, parseSpecial: true));
        Assert.DoesNotContain(2, tokenizer.Encode("Hello</s>Hello", addSpecial: false, parseSpecial: false));
    }

    /// <summary>phi-3's chat tokens right-strip (by llama.cpp's model-name rule), so the newline after &lt;|user|&gt; goes.</summary>
    [Fact]
    public void Encode_Phi3ChatTokens_StripWhitespaceAfterThem()
    {
        ITokenizer tokenizer = TestTokenizers.Phi3;

        Assert.Equal([32010, Hello, 32007], tokenizer.Encode("<|user|>\nHello<|end|>", addSpecial: false, parseSpecial: true));
        Assert.DoesNotContain(32010, tokenizer.Encode("<|user|>\nHello", addSpecial: false, parseSpecial: false));
    }

    /// <summary>phi-3 types &lt;/s&gt; user-defined; current llama.cpp lists it among end-of-generation texts, which makes it a control token.</summary>
    [Fact]
    public void Encode_Phi3EndOfSentence_IsControlAfterLoading()
    {
        ITokenizer tokenizer = TestTokenizers.Phi3;

        Assert.Equal(TokenType.Control, tokenizer.Vocabulary.GetTokenType(2));
        Assert.Equal([Hello, 2], tokenizer.Encode("Hello</s>", addSpecial: false, parseSpecial: true));
    }

    /// <summary>Equal scores merge the leftmost pair first: "aba" gives a|b then ab|a, not a|ba.</summary>
    [Theory]
    [InlineData(1f, new[] { 3, 6, 4 })]
    [InlineData(2f, new[] { 3, 4, 7 })]
    public void Encode_EqualScores_MergeLeftmostPairFirst(float baScore, int[] expected)
    {
        var metadata = MetadataBuilder.Llama("<unk>", "<s>", "</s>", "▁", "a", "b", "ab", "ba")
            .Scores(0, 0, 0, 0, 0, 0, 1, baScore).Types(2, 3, 3, 1, 1, 1, 1, 1).Build();
        var tokenizer = new SentencePieceTokenizer(Vocabulary.FromGguf(metadata));

        Assert.Equal(expected, tokenizer.Encode("aba", addSpecial: false, parseSpecial: false));
    }

    /// <summary>Without byte tokens an unknown character becomes the unknown token, one per UTF-8 byte as llama.cpp's fallback goes.</summary>
    [Fact]
    public void Encode_UnknownCharacterWithoutByteTokens_GivesUnknownPerByte()
    {
        var metadata = MetadataBuilder.Llama("<unk>", "<s>", "</s>", "▁", "a").Types(2, 3, 3, 1, 1).Build();
        var tokenizer = new SentencePieceTokenizer(Vocabulary.FromGguf(metadata));

        Assert.Equal([3, 4, 0, 0], tokenizer.Encode("aé", addSpecial: false, parseSpecial: false));
    }
}
