using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class PreTokenizerTests
{
    /// <summary>
    /// A supplementary code point is one character of its class, as in llama.cpp's code-point regexes: mathematical
    /// letters are letters, emoji are symbols; the words come back in the text's own UTF-16 offsets.
    /// </summary>
    [Theory]
    [InlineData("gpt-2", "Hi 𝐀𝐁𝐂! 🦙🦙 x", new[] { "Hi", " 𝐀𝐁𝐂", "!", " 🦙🦙", " x" })]
    [InlineData("llama-bpe", "𝐀𝐁 𝟏𝟐𝟑𝟒", new[] { "𝐀𝐁", " ", "𝟏𝟐𝟑", "𝟒" })]
    [InlineData("deepseek-coder", "ab𝐀 1", new[] { "ab𝐀", " ", "1" })]
    [InlineData("deepseek-llm", "x 𞤀𞤁 𝐀", new[] { "x", " 𞤀𞤁", " 𝐀" })] // Adlam is in its letter class, mathematical letters are not
    public void Split_SupplementaryCharacters_CountAsOneCharacterOfTheirClass(string pre, string text, string[] expected)
    {
        PreTokenizer preTokenizer = PreTokenizerCatalog.Find(pre)!;
        var words = new List<(int Start, int Length)>();

        preTokenizer.Split("<" + text + ">", 1, text.Length, words);

        Assert.Equal(expected, words.Select(w => ("<" + text + ">").Substring(w.Start, w.Length)));
    }

    /// <summary>
    /// llama.cpp matches whitespace beyond ASCII as '\v': still whitespace, but not the U+3000 that DeepSeek LLM's
    /// symbol class lists, so the ideographic space stays with the spaces before it instead of starting a symbol run.
    /// </summary>
    [Fact]
    public void Split_IdeographicSpace_IsWhitespaceNotALiteral()
    {
        const string text = "   \u3000가";
        var words = new List<(int Start, int Length)>();

        PreTokenizerCatalog.Find("deepseek-llm")!.Split(text, 0, text.Length, words);

        Assert.Equal(["   \u3000", "가"], words.Select(w => text.Substring(w.Start, w.Length)));
    }

    [Fact]
    public void Find_UnknownName_IsNull_AndNoName_IsDefault()
    {
        Assert.Null(PreTokenizerCatalog.Find("no-such-pre"));
        Assert.Equal("default", PreTokenizerCatalog.Find("")!.Name);
        Assert.Contains("qwen2", PreTokenizerCatalog.Names);
    }
}
