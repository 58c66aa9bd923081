using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class TokenizerFactoryTests
{
    [Theory]
    [InlineData("ggml-vocab-llama-spm.gguf", typeof(SentencePieceTokenizer))]
    [InlineData("ggml-vocab-gpt-2.gguf", typeof(BytePairTokenizer))]
    [InlineData("ggml-vocab-bert-bge.gguf", typeof(WordPieceTokenizer))]
    public void Create_PicksTheTokenizerByModel(string vocabFile, Type expected)
    {
        Assert.IsType(expected, TestTokenizers.Get("tokenizer", vocabFile));
    }

    [Fact]
    public void Create_UnsupportedModel_ThrowsNamingIt()
    {
        var metadata = MetadataBuilder.Llama("a", "b").Set("tokenizer.ggml.model", "rwkv").Build();

        var e = Assert.Throws<UnsupportedModelException>(() => TokenizerFactory.Create(metadata, "x.gguf"));
        Assert.Equal(UnsupportedFeature.Tokenizer, e.Feature);
        Assert.Equal("rwkv", e.Name);
        Assert.Contains("'rwkv'", e.Message);
        Assert.StartsWith("x.gguf: ", e.Message);
    }

    /// <summary>An unknown pre-tokenizer is refused, not tokenized with some other split.</summary>
    [Fact]
    public void Create_UnknownPreTokenizer_ThrowsNamingIt()
    {
        var metadata = MetadataBuilder.Gpt2("no-such-pre", "a", "b", "ab").Merges("a b").Build();

        var e = Assert.Throws<UnsupportedModelException>(() => TokenizerFactory.Create(metadata, "x.gguf"));
        Assert.Equal(UnsupportedFeature.Tokenizer, e.Feature);
        Assert.Equal("no-such-pre", e.Name);
        Assert.Contains("'no-such-pre'", e.Message);
        Assert.Contains(Vocabulary.PreTokenizerKey, e.Message);
        Assert.Contains("llama-bpe", e.Message); // the supported names are listed
    }

    /// <summary>Converters before 2024 wrote no pre-tokenizer name; llama.cpp then uses its default split.</summary>
    [Fact]
    public void Create_NoPreTokenizerName_UsesDefault()
    {
        var metadata = MetadataBuilder.Gpt2("", "a", "b", "ab").Remove(Vocabulary.PreTokenizerKey).Merges("a b").Build();

        var tokenizer = Assert.IsType<BytePairTokenizer>(TokenizerFactory.Create(metadata));
        Assert.Equal("default", tokenizer.PreTokenizer);
        Assert.Equal([2], tokenizer.Encode("ab", addSpecial: false, parseSpecial: false));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("not strings")]
    [InlineData("no separator")]
    public void Create_BadMerges_ThrowsNamingTheKey(string problem)
    {
        var builder = MetadataBuilder.Gpt2("gpt-2", "a", "b", "ab");
        var metadata = (problem switch
        {
            "missing" => builder,
            "not strings" => builder.Set(BytePairTokenizer.MergesKey, MetadataBuilder.Array(GgufValueType.Int32, new[] { 1 })),
            _ => builder.Merges("a b", "ab"),
        }).Build();

        var e = Assert.Throws<TokenizerException>(() => TokenizerFactory.Create(metadata));
        Assert.Equal(BytePairTokenizer.MergesKey, e.MetadataKey);
    }
}
