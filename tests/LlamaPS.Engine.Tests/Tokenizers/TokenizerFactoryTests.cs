using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class TokenizerFactoryTests
{
    [Fact]
    public void Create_LlamaModel_GivesSentencePieceTokenizer()
    {
        Assert.IsType<SentencePieceTokenizer>(TestTokenizers.LlamaSpm);
    }

    /// <summary>Real vocabularies of tokenizer kinds not yet supported: byte-level BPE and WordPiece.</summary>
    [Theory]
    [InlineData("ggml-vocab-gpt-2.gguf", "gpt2")]
    [InlineData("ggml-vocab-bert-bge.gguf", "bert")]
    public void Create_UnsupportedModel_ThrowsNamingIt(string vocabFile, string model)
    {
        var metadata = TestTokenizers.ReadMetadata(SharedData.PathOf("tokenizer", vocabFile));

        var e = Assert.Throws<UnsupportedModelException>(() => TokenizerFactory.Create(metadata));
        Assert.Equal(UnsupportedFeature.Tokenizer, e.Feature);
        Assert.Equal(model, e.Name);
        Assert.Contains($"'{model}'", e.Message);
    }
}
