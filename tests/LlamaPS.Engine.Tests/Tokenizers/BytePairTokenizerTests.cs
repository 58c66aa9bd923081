using System.Text;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Rules of llama.cpp's byte-level BPE tokenizer that its test vectors do not reach (they never add or parse special tokens).</summary>
public class BytePairTokenizerTests
{
    private const int LlamaBeginOfText = 128000;
    private const int LlamaHello = 9906;

    /// <summary>LLaMA 3 asks for BOS in its metadata; GPT-2 names BOS/EOS but does not ask for them.</summary>
    [Fact]
    public void Encode_AddSpecial_AddsBosOnlyWhereTheVocabularyAsks()
    {
        Assert.Equal([LlamaBeginOfText, LlamaHello], TestTokenizers.LlamaBpe.Encode("Hello", addSpecial: true, parseSpecial: false));
        Assert.Equal([15496, 995], TestTokenizers.Gpt2.Encode("Hello world", addSpecial: true, parseSpecial: false));
    }

    /// <summary>llama.cpp's BPE default BOS is id 11; a smaller vocabulary has none, and asking for it is an error.</summary>
    [Fact]
    public void Encode_AddBosWithoutBosToken_ThrowsNamingIt()
    {
        var metadata = MetadataBuilder.Gpt2("gpt-2", "a", "b").Merges("a b").Set(Vocabulary.AddBosKey, true).Build();
        var tokenizer = new BytePairTokenizer(Vocabulary.FromGguf(metadata), ["a b"]);

        Assert.Equal([0], tokenizer.Encode("a", addSpecial: false, parseSpecial: false));
        var e = Assert.Throws<TokenizerException>(() => tokenizer.Encode("a", addSpecial: true, parseSpecial: false));
        Assert.Contains("BOS", e.Message);
    }

    [Fact]
    public void Encode_ParseSpecial_MatchesControlTokensOnlyWhenAsked()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaBpe;

        Assert.Equal([LlamaBeginOfText, LlamaHello], tokenizer.Encode("<|begin_of_text|>Hello", addSpecial: false, parseSpecial: true));
        int[] plain = tokenizer.Encode("<|begin_of_text|>Hello", addSpecial: false, parseSpecial: false);
        Assert.DoesNotContain(LlamaBeginOfText, plain);
        Assert.Equal("<|begin_of_text|>Hello", TokenTextDecoder.Decode(tokenizer, plain));
    }

    /// <summary>User-defined tokens are matched in any text: deepseek-coder's chat tags, MPT's runs of spaces.</summary>
    [Fact]
    public void Encode_UserDefinedTokens_MatchedWithoutParseSpecial()
    {
        ITokenizer deepseek = TestTokenizers.Get("tokenizer", "ggml-vocab-deepseek-coder.gguf");
        ITokenizer mpt = TestTokenizers.Get("tokenizer", "ggml-vocab-mpt.gguf");

        Assert.Equal(32019, deepseek.Encode("<|User|>: hi", addSpecial: false, parseSpecial: false)[0]);
        Assert.Equal([66, 50276, 67], mpt.Encode("a  b", addSpecial: false, parseSpecial: false)); // 50276 is "  "
    }

    /// <summary>deepseek-coder types its FIM tokens user-defined; llama.cpp finds them by text and makes them control tokens.</summary>
    [Fact]
    public void Encode_DeepSeekFimToken_IsControlAfterLoading()
    {
        ITokenizer tokenizer = TestTokenizers.Get("tokenizer", "ggml-vocab-deepseek-coder.gguf");

        Assert.Equal(32015, tokenizer.Vocabulary.GetSpecialId(SpecialToken.FimSuffix));
        Assert.Equal([32015], tokenizer.Encode("<｜fim▁hole｜>", addSpecial: false, parseSpecial: true));
        Assert.DoesNotContain(32015, tokenizer.Encode("<｜fim▁hole｜>", addSpecial: false, parseSpecial: false));
    }

    [Fact]
    public void GetPiece_NormalToken_SpellsOutTheByteAlphabet()
    {
        ITokenizer tokenizer = TestTokenizers.Gpt2;
        int world = tokenizer.Vocabulary.FindId("Ġworld")!.Value;
        int newline = tokenizer.Vocabulary.FindId("Ċ")!.Value;

        Assert.Equal(" world", Encoding.UTF8.GetString(tokenizer.GetPiece(world, renderSpecial: false)));
        Assert.Equal("\n", Encoding.UTF8.GetString(tokenizer.GetPiece(newline, renderSpecial: false)));
    }

    [Fact]
    public void GetPiece_ControlToken_RendersOnlyWhenAsked()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaBpe;

        Assert.True(tokenizer.GetPiece(LlamaBeginOfText, renderSpecial: false).IsEmpty);
        Assert.Equal("<|begin_of_text|>", Encoding.UTF8.GetString(tokenizer.GetPiece(LlamaBeginOfText, renderSpecial: true)));
    }

    /// <summary>A lone surrogate has no UTF-8; like a UTF-8 decoder, the tokenizer reads it as U+FFFD.</summary>
    [Fact]
    public void Encode_LoneSurrogate_BecomesReplacementCharacter()
    {
        ITokenizer tokenizer = TestTokenizers.Gpt2;

        int[] ids = tokenizer.Encode("a\uD83Db", addSpecial: false, parseSpecial: false);

        Assert.Equal("a\uFFFDb", TokenTextDecoder.Decode(tokenizer, ids));
    }

    /// <summary>The lower rank merges first: with "b c" ranked above "a b", "abc" is a|bc; the other way round, ab|c.</summary>
    [Theory]
    [InlineData(new[] { "b c", "a b" }, new[] { 0, 4 })]
    [InlineData(new[] { "a b", "b c" }, new[] { 3, 2 })]
    public void Encode_LowestRankMergesFirst(string[] merges, int[] expected)
    {
        var tokenizer = SyntheticTokenizer("gpt-2", ["a", "b", "c", "ab", "bc"], merges);

        Assert.Equal(expected, tokenizer.Encode("abc", addSpecial: false, parseSpecial: false));
    }

    /// <summary>One rule applying at several places merges the leftmost pair first: "aaa" is aa|a.</summary>
    [Theory]
    [InlineData("aaa", new[] { 1, 0 })]
    [InlineData("aaaa", new[] { 1, 1 })]
    public void Encode_EqualRanks_MergeLeftmostFirst(string text, int[] expected)
    {
        var tokenizer = SyntheticTokenizer("gpt-2", ["a", "aa"], ["a a"]);

        Assert.Equal(expected, tokenizer.Encode(text, addSpecial: false, parseSpecial: false));
    }

    /// <summary>
    /// A rule may make a text that is no token ("ab") and a later rule merge it on ("abc"), as with llama.cpp's
    /// string symbols; a symbol left that is no token goes out as the tokens of its bytes.
    /// </summary>
    [Theory]
    [InlineData(new[] { "a b", "ab c" }, "abc", new[] { 3 })]
    [InlineData(new[] { "a b" }, "ab", new[] { 0, 1 })]
    public void Encode_RuleResultMissingFromVocabulary_MergesOnOrFallsBackToBytes(string[] merges, string text, int[] expected)
    {
        var tokenizer = SyntheticTokenizer("gpt-2", ["a", "b", "c", "abc"], merges);

        Assert.Equal(expected, tokenizer.Encode(text, addSpecial: false, parseSpecial: false));
    }

    /// <summary>LLaMA 3's pre-tokenizers take a word that is a token as is; DBRX splits the same way but merges.</summary>
    [Theory]
    [InlineData("llama-bpe", new[] { 4 })]
    [InlineData("dbrx", new[] { 3, 2 })]
    public void Encode_WholeWordToken_IgnoresMergesOnlyForLlama3(string pre, int[] expected)
    {
        var tokenizer = SyntheticTokenizer(pre, ["a", "b", "c", "ab", "abc"], ["a b"]);

        Assert.Equal(expected, tokenizer.Encode("abc", addSpecial: false, parseSpecial: false));
    }

    /// <summary>A repeated word copies the ids of its first occurrence; they must be the ids it would get alone.</summary>
    [Fact]
    public void Encode_RepeatedWords_GetTheSameIdsAsAlone()
    {
        ITokenizer tokenizer = TestTokenizers.Gpt2;
        int[] hello = tokenizer.Encode(" hello", addSpecial: false, parseSpecial: false);
        int[] world = tokenizer.Encode(" world", addSpecial: false, parseSpecial: false);

        int[] ids = tokenizer.Encode(" hello world hello world", addSpecial: false, parseSpecial: false);

        Assert.Equal([.. hello, .. world, .. hello, .. world], ids);
    }

    private static BytePairTokenizer SyntheticTokenizer(string pre, string[] tokens, string[] merges) =>
        new(Vocabulary.FromGguf(MetadataBuilder.Gpt2(pre, tokens).Merges(merges).Build()), merges);
}
