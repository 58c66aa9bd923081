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
    private readonly TokenPieces _pieces;

    public SentencePieceTokenizer(Vocabulary vocabulary)
    {
        if (vocabulary.Model != "llama")
        {
            throw new ArgumentException($"A SentencePiece tokenizer needs a 'llama' vocabulary, not '{vocabulary.Model}'.", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        _segmenter = new SentencePieceSegmenter(vocabulary, FindByteTokens(vocabulary));
        _pieces = new TokenPieces(vocabulary, TokenPieces.UnescapeSpaces);
    }

    public Vocabulary Vocabulary { get; }

    public int[] Encode(string text, bool addSpecial, bool parseSpecial)
    {
        var output = new List<int>(text.Length / 3 + 2);
        if (addSpecial && Vocabulary.AddBos) output.Add(Vocabulary.Require(SpecialToken.Bos));

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

        if (addSpecial && Vocabulary.AddEos) output.Add(Vocabulary.Require(SpecialToken.Eos));
        return output.ToArray();
    }

    public ReadOnlySpan<byte> GetPiece(int tokenId, bool renderSpecial) => _pieces.Get(tokenId, renderSpecial);

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
}
