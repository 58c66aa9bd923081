using System.Diagnostics;
using System.Text;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Performance sanity, not a timed assertion: ~100 KB of mixed text tokenizes and decodes back, for the lossless tokenizers.</summary>
public class LongTextRoundTripTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ggml-vocab-llama-spm.gguf")]
    [InlineData("ggml-vocab-llama-bpe.gguf")]
    [InlineData("ggml-vocab-gpt-2.gguf")]
    [InlineData("ggml-vocab-deepseek-llm.gguf")]
    public void Encode_LongText_CompletesAndRoundTrips(string vocabFile)
    {
        ITokenizer tokenizer = TestTokenizers.Get("tokenizer", vocabFile);
        var text = new StringBuilder();
        for (int i = 0; text.Length < 100_000; i++)
        {
            text.Append($"Paragraph {i}: the quick brown fox jumps over the lazy dog; нещо на Български 🦙 {i * 7919}\n\t");
        }
        string input = text.ToString();

        var watch = Stopwatch.StartNew();
        int[] ids = tokenizer.Encode(input, addSpecial: false, parseSpecial: true);
        watch.Stop();
        output.WriteLine($"{input.Length} chars -> {ids.Length} tokens in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(input, TokenTextDecoder.Decode(tokenizer, ids, stripLeadingSpace: tokenizer.Vocabulary.AddSpacePrefix));
    }
}
