using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Turns token ids, fed one at a time as they are generated, into text. Pieces are UTF-8 bytes and a character
/// may span several tokens (byte tokens), so bytes of an unfinished character are held back until it completes;
/// <see cref="Flush"/> gives what is left (an unfinished character becomes U+FFFD). Not thread-safe.
/// </summary>
public sealed class TokenTextDecoder
{
    private readonly ITokenizer _tokenizer;
    private readonly bool _renderSpecial;
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private bool _stripLeadingSpace;
    private char[] _chars = new char[64];

    /// <param name="renderSpecial">Render control and unknown tokens as their text instead of nothing.</param>
    /// <param name="stripLeadingSpace">Drop one leading space from the first token's piece. llama.cpp's detokenize does
    /// this when the vocabulary adds a space prefix, and it only shows when the sequence does not start with BOS (BOS
    /// itself has no leading space): it undoes the space that encoding put before the text.</param>
    public TokenTextDecoder(ITokenizer tokenizer, bool renderSpecial = false, bool stripLeadingSpace = false)
    {
        _tokenizer = tokenizer;
        _renderSpecial = renderSpecial;
        _stripLeadingSpace = stripLeadingSpace;
    }

    /// <summary>Adds a token; returns the text it completes (possibly empty).</summary>
    public string Append(int tokenId)
    {
        ReadOnlySpan<byte> piece = _tokenizer.GetPiece(tokenId, _renderSpecial);
        if (_stripLeadingSpace)
        {
            _stripLeadingSpace = false;
            if (!piece.IsEmpty && piece[0] == (byte)' ') piece = piece[1..];
        }
        return DecodeBytes(piece, flush: false);
    }

    /// <summary>Returns the text of bytes still held back (an unfinished character as U+FFFD) and resets for a new sequence.</summary>
    public string Flush() => DecodeBytes([], flush: true);

    /// <summary>The whole text of <paramref name="ids"/>, decoded as by one <see cref="TokenTextDecoder"/> and flushed.</summary>
    public static string Decode(ITokenizer tokenizer, ReadOnlySpan<int> ids, bool renderSpecial = false, bool stripLeadingSpace = false)
    {
        var decoder = new TokenTextDecoder(tokenizer, renderSpecial, stripLeadingSpace);
        var text = new StringBuilder();
        foreach (int id in ids) text.Append(decoder.Append(id));
        return text.Append(decoder.Flush()).ToString();
    }

    private string DecodeBytes(ReadOnlySpan<byte> bytes, bool flush)
    {
        // GetCharCount leaves the decoder's state alone; GetChars then keeps an unfinished character's bytes inside it.
        int count = _utf8.GetCharCount(bytes, flush);
        if (_chars.Length < count) _chars = new char[Math.Max(count, _chars.Length * 2)];
        int written = _utf8.GetChars(bytes, _chars, flush);
        return written == 0 ? "" : new string(_chars, 0, written);
    }
}
