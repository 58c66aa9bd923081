using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// llama.cpp's SPM tokenizer (<c>tokenizer.ggml.model</c> = <c>llama</c>): special tokens are split off first; each
/// run of text between them gets a leading space when it starts the input or follows a special token (if the
/// vocabulary adds a space prefix), has its spaces escaped to U+2581, and is merged by token score
/// (<see cref="SentencePieceSegmenter"/>), with byte tokens for code points the vocabulary lacks.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    /// <summary>SentencePiece's stand-in for a space inside tokens.</summary>
    public const char EscapedSpace = '\u2581';

    private readonly SentencePieceSegmenter _segmenter;
    private readonly byte[][] _pieces;

    public SentencePieceTokenizer(Vocabulary vocabulary)
    {
        if (vocabulary.Model != "llama")
        {
            throw new ArgumentException($"A SentencePiece tokenizer needs a 'llama' vocabulary, not '{vocabulary.Model}'.", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        _segmenter = new SentencePieceSegmenter(vocabulary, FindByteTokens(vocabulary));
        _pieces = new byte[vocabulary.Count][];
        for (int id = 0; id < _pieces.Length; id++) _pieces[id] = MakePiece(vocabulary, id);
    }

    public Vocabulary Vocabulary { get; }

    public int[] Encode(string text, bool addSpecial, bool parseSpecial)
    {
        var output = new List<int>(text.Length / 3 + 2);
        if (addSpecial && Vocabulary.AddBos) output.Add(RequireSpecial(Vocabulary.BosId, "BOS"));

        bool afterSpecial = true;
        char[] buffer = [];
        foreach (var fragment in SpecialTokenPartitioner.Partition(text, Vocabulary, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                afterSpecial = true;
                continue;
            }
            int prefix = Vocabulary.AddSpacePrefix && afterSpecial ? 1 : 0;
            int length = prefix + fragment.Length;
            if (buffer.Length < length) buffer = new char[Math.Max(length, buffer.Length * 2)];
            if (prefix == 1) buffer[0] = EscapedSpace;
            text.AsSpan(fragment.Start, fragment.Length).Replace(buffer.AsSpan(prefix, fragment.Length), ' ', EscapedSpace);
            _segmenter.Segment(buffer.AsSpan(0, length), output);
            afterSpecial = false;
        }

        if (addSpecial && Vocabulary.AddEos) output.Add(RequireSpecial(Vocabulary.EosId, "EOS"));
        return output.ToArray();
    }

    public ReadOnlySpan<byte> GetPiece(int tokenId, bool renderSpecial)
    {
        TokenType type = Vocabulary.GetTokenType(tokenId);
        return !renderSpecial && type is TokenType.Control or TokenType.Unknown ? default : _pieces[tokenId];
    }

    /// <summary>
    /// The piece as llama.cpp's token_to_piece renders SPM tokens with specials shown: control, unknown and
    /// user-defined tokens as their text, normal tokens with U+2581 turned back into spaces, byte tokens as their
    /// byte; unused and undefined tokens as nothing.
    /// </summary>
    private static byte[] MakePiece(Vocabulary vocabulary, int id)
    {
        string text = vocabulary.GetText(id);
        return vocabulary.GetTokenType(id) switch
        {
            TokenType.Control or TokenType.Unknown or TokenType.UserDefined => Encoding.UTF8.GetBytes(text),
            TokenType.Normal => Encoding.UTF8.GetBytes(text.Replace(EscapedSpace, ' ')),
            TokenType.Byte => [ParseByteToken(text, id)],
            _ => [],
        };
    }

    private static byte ParseByteToken(string text, int id)
    {
        if (text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte value))
        {
            return value;
        }
        throw new TokenizerException($"token {id} is a byte token but its text '{text}' is not of the form <0xXX>.", Vocabulary.TokensKey);
    }

    /// <summary>
    /// The &lt;0xXX&gt; token of each byte, or -1. llama.cpp's byte_to_token would next try a token whose text is the
    /// byte itself, but that can only exist for ASCII, and an ASCII code point with its own token never falls back.
    /// </summary>
    private static int[] FindByteTokens(Vocabulary vocabulary)
    {
        var tokens = new int[256];
        for (int b = 0; b < tokens.Length; b++) tokens[b] = vocabulary.Find($"<0x{b:X2}>");
        return tokens;
    }

    private static int RequireSpecial(int? id, string name) =>
        id ?? throw new TokenizerException($"The vocabulary asks for a {name} token but has none.");
}
