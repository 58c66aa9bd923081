using System.Globalization;
using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Every token's piece as llama.cpp's token_to_piece renders it with specials shown, built once per vocabulary:
/// control, unknown and user-defined tokens as their text, byte tokens (&lt;0xXX&gt;) as their byte, normal tokens as
/// the tokenizer model spells them, unused and undefined tokens as nothing.
/// </summary>
internal sealed class TokenPieces
{
    private readonly Vocabulary _vocabulary;
    private readonly byte[][] _pieces;

    /// <param name="normalPiece">The bytes a normal token's text stands for, which depends on the tokenizer model.</param>
    public TokenPieces(Vocabulary vocabulary, Func<string, byte[]> normalPiece)
    {
        _vocabulary = vocabulary;
        _pieces = new byte[vocabulary.Count][];
        for (int id = 0; id < _pieces.Length; id++)
        {
            string text = vocabulary.GetText(id);
            _pieces[id] = vocabulary.GetTokenType(id) switch
            {
                TokenType.Control or TokenType.Unknown or TokenType.UserDefined => Encoding.UTF8.GetBytes(text),
                TokenType.Normal => normalPiece(text),
                TokenType.Byte => [ParseByteToken(text, id)],
                _ => [],
            };
        }
    }

    /// <summary>The piece of <paramref name="tokenId"/>; control and unknown tokens give nothing unless <paramref name="renderSpecial"/>.</summary>
    public ReadOnlySpan<byte> Get(int tokenId, bool renderSpecial)
    {
        TokenType type = _vocabulary.GetTokenType(tokenId);
        return !renderSpecial && type is TokenType.Control or TokenType.Unknown ? default : _pieces[tokenId];
    }

    /// <summary>A normal token of the vocabularies that write spaces as U+2581 (SentencePiece, WordPiece's word starts).</summary>
    public static byte[] UnescapeSpaces(string text) => Encoding.UTF8.GetBytes(text.Replace(SentencePieceTokenizer.EscapedSpace, ' '));

    private static byte ParseByteToken(string text, int id)
    {
        if (text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, null, out byte value))
        {
            return value;
        }
        throw new TokenizerException($"token {id} is a byte token but its text '{text}' is not of the form <0xXX>.", Vocabulary.TokensKey);
    }
}
