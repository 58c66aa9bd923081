namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// GPT-2's reversible map between bytes and printable characters, in which byte-level BPE vocabularies write their
/// tokens: the printable bytes '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves, and the 68 others (controls, space,
/// DEL, NBSP, soft hyphen) take U+0100, U+0101, ... in byte order. So "Ġ" (U+0120) is a space and "Ċ" a newline.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildCharOfByte();
    private static readonly short[] ByteOfChar = BuildByteOfChar();

    /// <summary>The character that stands for <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => CharOfByte[b];

    /// <summary>The byte <paramref name="c"/> stands for, or -1 when it is not a character of the alphabet.</summary>
    public static int ToByte(char c) => c < ByteOfChar.Length ? ByteOfChar[c] : -1;

    private static char[] BuildCharOfByte()
    {
        var chars = new char[256];
        int next = 0x100;
        for (int b = 0; b < chars.Length; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = printable ? (char)b : (char)next++;
        }
        return chars;
    }

    private static short[] BuildByteOfChar()
    {
        var bytes = new short[CharOfByte.Max() + 1];
        Array.Fill(bytes, (short)-1);
        for (int b = 0; b < CharOfByte.Length; b++) bytes[CharOfByte[b]] = (short)b;
        return bytes;
    }
}
