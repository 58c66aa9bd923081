using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

public class ByteLevelAlphabetTests
{
    /// <summary>Printable bytes stand for themselves; the others take U+0100 on in byte order (space is the 33rd: Ġ).</summary>
    [Theory]
    [InlineData(0x41, 'A')]
    [InlineData(0xE9, 'é')]
    [InlineData(0x00, 'Ā')]
    [InlineData(0x0A, 'Ċ')]
    [InlineData(0x20, 'Ġ')]
    [InlineData(0x7F, 'ġ')]
    [InlineData(0xAD, 'Ń')]
    public void ToChar_MatchesGpt2Table(byte b, char expected)
    {
        Assert.Equal(expected, ByteLevelAlphabet.ToChar(b));
    }

    [Fact]
    public void ToByte_InvertsToChar_AndRejectsOtherCharacters()
    {
        for (int b = 0; b < 256; b++) Assert.Equal(b, ByteLevelAlphabet.ToByte(ByteLevelAlphabet.ToChar((byte)b)));
        Assert.Equal(-1, ByteLevelAlphabet.ToByte(' '));
        Assert.Equal(-1, ByteLevelAlphabet.ToByte('€'));
    }
}
