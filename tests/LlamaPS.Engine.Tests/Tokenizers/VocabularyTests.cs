using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class VocabularyTests
{
    [Fact]
    public void LlamaSpm_SpecialIdsAndFlags_AsInMetadataAndLlamaDefaults()
    {
        Vocabulary v = TestTokenizers.LlamaSpm.Vocabulary;

        Assert.Equal(32000, v.Count);
        Assert.Equal((1, 2, 0), (v.BosId, v.EosId, v.UnknownId));
        Assert.True(v.AddBos);
        Assert.False(v.AddEos);
        Assert.True(v.AddSpacePrefix); // no add_space_prefix key: llama.cpp's default for SPM
        Assert.Equal([2], v.EndOfGenerationIds.Order());
        Assert.Equal(TokenType.Byte, v.GetTokenType(3));
        Assert.Equal("<0x00>", v.GetText(3));
    }

    /// <summary>phi-3 names no EOT; llama.cpp finds &lt;|end|&gt; by its text, and its model name turns on right-strip.</summary>
    [Fact]
    public void Phi3_EotFoundByText_EndOfGenerationAndStripRules()
    {
        Vocabulary v = TestTokenizers.Phi3.Vocabulary;

        Assert.Equal(32000, v.EosId);
        Assert.Equal(32007, v.GetSpecialId(SpecialToken.Eot));
        Assert.Equal(32000, v.GetSpecialId(SpecialToken.Padding));
        Assert.Equal([2, 32000, 32007], v.EndOfGenerationIds.Order());
        Assert.Equal(TokenStrip.Right, v.GetStrip(v.FindId("<|end|>")!.Value));
        Assert.Equal(TokenStrip.Right, v.GetStrip(v.FindId("</s>")!.Value));
        Assert.Equal(TokenStrip.None, v.GetStrip(v.FindId("<|endoftext|>")!.Value));
        Assert.Equal(TokenStrip.None, v.GetStrip(v.FindId("<s>")!.Value));
    }

    /// <summary>stories260K writes 0xFFFFFFFF for its separator and padding tokens: none.</summary>
    [Fact]
    public void Stories260K_AllOnesIds_MeanNoToken()
    {
        Vocabulary v = TestTokenizers.Stories260K.Vocabulary;

        Assert.Equal(512, v.Count);
        Assert.Null(v.GetSpecialId(SpecialToken.Separator));
        Assert.Null(v.GetSpecialId(SpecialToken.Padding));
        Assert.Equal(1, v.BosId);
    }

    /// <summary>bert-bge names [CLS] by the old cls_token_id key; [SEP] closes a sequence by llama.cpp's BERT defaults.</summary>
    [Fact]
    public void BertBge_ClsIsBosAndSequencesEndWithSeparator()
    {
        Vocabulary v = TestTokenizers.BertBge.Vocabulary;

        Assert.Equal((101, 100, 102), (v.BosId, v.UnknownId, v.GetSpecialId(SpecialToken.Separator)));
        Assert.Equal((0, 103), (v.GetSpecialId(SpecialToken.Padding), v.GetSpecialId(SpecialToken.Mask)));
        Assert.True(v.AddBos);
        Assert.True(v.AddSep);
        Assert.False(v.AddEos);
    }

    [Fact]
    public void LlamaBpe_PreTokenizerNameAndEndOfTurnToken()
    {
        Vocabulary v = TestTokenizers.LlamaBpe.Vocabulary;

        Assert.Equal("llama-bpe", v.PreTokenizer);
        Assert.Equal((128000, 128001), (v.BosId, v.EosId));
        Assert.Equal(128009, v.GetSpecialId(SpecialToken.Eot)); // <|eot_id|>, found by its text
        Assert.Equal([128001, 128009], v.EndOfGenerationIds.Order());
    }

    /// <summary>Without add_bos_token, LLaMA 3's pre-tokenizers start with BOS (llama.cpp's rule) and GPT-2's do not.</summary>
    [Theory]
    [InlineData("llama-bpe", true)]
    [InlineData("gpt-2", false)]
    [InlineData("no-such-pre", false)]
    public void FromGguf_BytePairVocabularyWithoutAddBos_DefaultsByPreTokenizer(string pre, bool addBos)
    {
        Vocabulary v = Vocabulary.FromGguf(MetadataBuilder.Gpt2(pre, "a", "b").Build());

        Assert.Equal(addBos, v.AddBos);
    }

    [Fact]
    public void FromGguf_BosKey_WinsOverClsKey()
    {
        var metadata = MetadataBuilder.Llama("<unk>", "<s>", "</s>", "[CLS]")
            .Set("tokenizer.ggml.bos_token_id", 1u).Set("tokenizer.ggml.cls_token_id", 3u).Build();

        Assert.Equal(1, Vocabulary.FromGguf(metadata).BosId);
    }

    [Fact]
    public void FromGguf_ControlLookingTokenOfOtherType_BecomesControlAndEndsGeneration()
    {
        var metadata = MetadataBuilder.Llama("<unk>", "<s>", "</s>", "<|im_end|>", "a").Types(2, 3, 3, 1, 1).Build();

        Vocabulary v = Vocabulary.FromGguf(metadata);

        Assert.Equal(TokenType.Control, v.GetTokenType(3));
        Assert.Equal(3, v.GetSpecialId(SpecialToken.Eot));
        Assert.True(v.IsEndOfGeneration(3));
        Assert.False(v.IsEndOfGeneration(4));
    }

    [Fact]
    public void FromGguf_AbsentOptionalArrays_DefaultToNormalTokensWithZeroScore()
    {
        Vocabulary v = Vocabulary.FromGguf(MetadataBuilder.Llama("<unk>", "<s>", "</s>", "", "a").Build());

        Assert.Equal(TokenType.Normal, v.GetTokenType(4));
        Assert.Equal(0f, v.GetScore(4));
        Assert.Equal("[EMPTY_3]", v.GetText(3)); // llama.cpp's name for an empty token
    }

    [Fact]
    public void FromGguf_FlagsInMetadata_OverrideDefaults()
    {
        var metadata = MetadataBuilder.Llama("<unk>", "<s>", "</s>")
            .Set(Vocabulary.AddBosKey, false).Set(Vocabulary.AddEosKey, true).Set(Vocabulary.AddSpacePrefixKey, false)
            .Set("tokenizer.ggml.bos_token_id", 2u).Set("tokenizer.ggml.eos_token_id", uint.MaxValue).Build();

        Vocabulary v = Vocabulary.FromGguf(metadata);

        Assert.Equal((false, true, false), (v.AddBos, v.AddEos, v.AddSpacePrefix));
        Assert.Equal(2, v.BosId);
        Assert.Null(v.EosId);
    }

    public static TheoryData<string, string> BadMetadata => new()
    {
        { "missing tokens", Vocabulary.TokensKey },
        { "tokens not strings", Vocabulary.TokensKey },
        { "duplicate token", Vocabulary.TokensKey },
        { "short scores", Vocabulary.ScoresKey },
        { "long token types", Vocabulary.TokenTypesKey },
        { "bos out of range", "tokenizer.ggml.bos_token_id" },
        { "flag of wrong type", Vocabulary.AddBosKey },
        { "missing model", Vocabulary.ModelKey },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void FromGguf_BadMetadata_ThrowsNamingTheKey(string problem, string key)
    {
        GgufMetadata metadata = (problem switch
        {
            "missing tokens" => MetadataBuilder.Llama("a").Remove(Vocabulary.TokensKey),
            "tokens not strings" => MetadataBuilder.Llama("a").Set(Vocabulary.TokensKey, MetadataBuilder.Array(GgufValueType.Int32, new[] { 1, 2 })),
            "duplicate token" => MetadataBuilder.Llama("<unk>", "a", "b", "a"),
            "short scores" => MetadataBuilder.Llama("<unk>", "a", "b").Scores(0f, 1f),
            "long token types" => MetadataBuilder.Llama("<unk>", "a").Types(2, 1, 1),
            "bos out of range" => MetadataBuilder.Llama("<unk>", "<s>", "</s>").Set("tokenizer.ggml.bos_token_id", 3u),
            "flag of wrong type" => MetadataBuilder.Llama("<unk>", "<s>", "</s>").Set(Vocabulary.AddBosKey, 1u),
            "missing model" => MetadataBuilder.Llama("a").Remove(Vocabulary.ModelKey),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        }).Build();

        var e = Assert.Throws<TokenizerException>(() => Vocabulary.FromGguf(metadata));
        Assert.Equal(key, e.MetadataKey);
        Assert.Contains(key, e.Message);
    }
}
