using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class TokenTextDecoderTests
{
    private static int ByteToken(byte b) => TestTokenizers.LlamaSpm.Vocabulary.FindId($"<0x{b:X2}>")
        ?? throw new InvalidOperationException($"no byte token <0x{b:X2}>");

    /// <summary>🦙 is four UTF-8 bytes; its text appears only with the fourth byte token.</summary>
    [Fact]
    public void Append_ByteTokensOfOneCharacter_YieldTextOnlyWhenComplete()
    {
        var decoder = new TokenTextDecoder(TestTokenizers.LlamaSpm);
        int[] ids = "🦙"u8.ToArray().Select(ByteToken).ToArray();

        string[] chunks = ids.Select(decoder.Append).ToArray();

        Assert.Equal(["", "", "", "🦙"], chunks);
        Assert.Equal("", decoder.Flush());
    }

    [Fact]
    public void Append_NormalTokenAfterPartialCharacter_KeepsTheCharacterWhole()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaSpm;
        var decoder = new TokenTextDecoder(tokenizer);
        int hello = tokenizer.Vocabulary.FindId("▁Hello")!.Value;

        Assert.Equal(" Hello", decoder.Append(hello));
        Assert.Equal("", decoder.Append(ByteToken(0xC3)));
        Assert.Equal("é", decoder.Append(ByteToken(0xA9)));
    }

    [Fact]
    public void Flush_UnfinishedCharacter_GivesReplacementCharacterAndResets()
    {
        var decoder = new TokenTextDecoder(TestTokenizers.LlamaSpm);
        decoder.Append(ByteToken(0xF0));
        decoder.Append(ByteToken(0x9F));

        Assert.Equal("\uFFFD", decoder.Flush());
        Assert.Equal("A", decoder.Append(ByteToken(0x41)));
    }

    [Fact]
    public void Append_ControlToken_RendersOnlyWhenAsked()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaSpm;
        int bos = tokenizer.Vocabulary.BosId!.Value;

        Assert.Equal("", new TokenTextDecoder(tokenizer).Append(bos));
        Assert.Equal("<s>", new TokenTextDecoder(tokenizer, renderSpecial: true).Append(bos));
    }

    [Fact]
    public void StripLeadingSpace_AppliesToTheFirstTokenOnly()
    {
        ITokenizer tokenizer = TestTokenizers.LlamaSpm;
        int[] ids = tokenizer.Encode("Hello Hello", addSpecial: false, parseSpecial: false);

        Assert.Equal("Hello Hello", TokenTextDecoder.Decode(tokenizer, ids, stripLeadingSpace: true));
        Assert.Equal(" Hello Hello", TokenTextDecoder.Decode(tokenizer, ids));
        // After BOS the strip is spent on BOS, as in llama.cpp's detokenize.
        Assert.Equal(" Hello Hello", TokenTextDecoder.Decode(tokenizer, [tokenizer.Vocabulary.BosId!.Value, .. ids], stripLeadingSpace: true));
    }
}
