using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Splits raw text into the words within which byte-level BPE merges, as llama.cpp's unicode_regex_split does: each
/// stage's regex splits every piece the stages before it left, and both its matches and the text between them
/// become pieces. <see cref="PreTokenizerCatalog"/> holds the stages of each <c>tokenizer.ggml.pre</c> name.
/// </summary>
internal sealed class PreTokenizer
{
    /// <summary>Characters that <see cref="Project"/> replaces: surrogates and the whitespace beyond ASCII.</summary>
    private static readonly SearchValues<char> Replaced = SearchValues.Create(
        Enumerable.Range(0x80, 0x10000 - 0x80).Select(c => (char)c).Where(c => char.IsSurrogate(c) || char.IsWhiteSpace(c)).ToArray());

    private readonly Regex[] _stages;

    /// <param name="ignoreMerges">A word that is itself a token becomes that token without merging (LLaMA 3's tiktoken rule).</param>
    /// <param name="addsBos">The default of <c>tokenizer.ggml.add_bos_token</c> for vocabularies of this pre-tokenizer.</param>
    public PreTokenizer(string name, bool ignoreMerges, bool addsBos, params Regex[] stages)
    {
        Name = name;
        IgnoreMerges = ignoreMerges;
        AddsBos = addsBos;
        _stages = stages;
    }

    public string Name { get; }
    public bool IgnoreMerges { get; }
    public bool AddsBos { get; }

    /// <summary>Appends the words of <c>text[start..start+length]</c>, in order and covering it, as (start, length) in <paramref name="text"/>.</summary>
    public void Split(string text, int start, int length, List<(int Start, int Length)> words)
    {
        if (length == 0) return;
        // Regexes see the text as llama.cpp's do (see Project); most text needs no change for that.
        int[]? originOf = null;
        string subject = text;
        int subjectStart = start;
        if (text.AsSpan(start, length).IndexOfAny(Replaced) >= 0)
        {
            subject = Project(text.AsSpan(start, length), out originOf);
            subjectStart = 0;
            length = subject.Length;
        }

        var pieces = new List<(int Start, int Length)> { (subjectStart, length) };
        var next = new List<(int Start, int Length)>();
        foreach (Regex stage in _stages)
        {
            next.Clear();
            foreach (var (pieceStart, pieceLength) in pieces) SplitPiece(stage, subject, pieceStart, pieceLength, next);
            (pieces, next) = (next, pieces);
        }

        foreach (var (pieceStart, pieceLength) in pieces)
        {
            if (originOf is null)
            {
                words.Add((pieceStart, pieceLength));
                continue;
            }
            int wordStart = start + originOf[pieceStart];
            words.Add((wordStart, start + originOf[pieceStart + pieceLength] - wordStart));
        }
    }

    /// <summary>Matching searches only the piece: its ends are the input's ends for anchors and lookarounds, as in llama.cpp.</summary>
    private static void SplitPiece(Regex stage, string subject, int start, int length, List<(int Start, int Length)> output)
    {
        int end = start + length;
        int position = start;
        for (Match match = stage.Match(subject, start, length); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0) continue;
            if (match.Index > position) output.Add((position, match.Index - position));
            output.Add((match.Index, match.Length));
            position = match.Index + match.Length;
        }
        if (position < end) output.Add((position, end - position));
    }

    /// <summary>
    /// The text as llama.cpp's regexes see it, one char per code point: each supplementary code point (a surrogate
    /// pair) becomes one BMP stand-in of the same class, so that <c>\p{L}</c> and friends see one character of the
    /// right kind (.NET regexes classify UTF-16 units, and would see two surrogates); the stand-ins lie outside every
    /// literal range the catalog's patterns name. Whitespace beyond ASCII becomes '\v', as llama.cpp replaces it
    /// before matching: still <c>\s</c>, but no longer in a literal range (DeepSeek LLM's symbols list U+3000).
    /// <paramref name="originOf"/>[i] is where projected char i starts in the text; its last entry is the text's length.
    /// </summary>
    private static string Project(ReadOnlySpan<char> text, out int[] originOf)
    {
        var chars = new char[text.Length];
        originOf = new int[text.Length + 1];
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            originOf[count] = i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                chars[count++] = StandIn(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
                continue;
            }
            chars[count++] = text[i] > '\x7F' && char.IsWhiteSpace(text[i]) ? '\v' : text[i];
        }
        originOf[count] = text.Length;
        return new string(chars, 0, count);
    }

    private static char StandIn(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
    {
        _ when PreTokenizerCatalog.IsDeepSeekLlmSupplementaryLetter(codePoint) => '\uAB70', // CHEROKEE SMALL LETTER A (Ll)
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => '\uA000', // YI SYLLABLE IT (Lo)
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => '\uA620', // VAI DIGIT ZERO (Nd)
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => '\uA66F', // COMBINING CYRILLIC VZMET (Mn)
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => '\uA490', // YI RADICAL QOT (So), for emoji
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => '\uA60D', // VAI COMMA (Po)
        _ => '\uE000', // private use (Co): format, private-use and unassigned code points
    };
}
