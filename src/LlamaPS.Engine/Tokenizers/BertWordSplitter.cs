using System.Globalization;
using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// BERT's normalizer and pre-tokenizer, as llama.cpp's WPM tokenizer applies them: accents stripped and letters
/// lowercased when asked, control characters dropped, and the text split at whitespace, with each punctuation mark,
/// ASCII symbol and CJK ideograph a word of its own.
/// </summary>
internal static class BertWordSplitter
{
    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public static void Split(ReadOnlySpan<char> text, bool lowercase, bool stripAccents, List<string> words)
    {
        var word = new StringBuilder();
        void EndWord()
        {
            if (word.Length == 0) return;
            words.Add(word.ToString());
            word.Clear();
        }

        foreach (Rune original in text.EnumerateRunes())
        {
            Rune rune = stripAccents ? FirstOfDecomposition(original) : original;
            if (Rune.IsWhiteSpace(rune))
            {
                EndWord();
                continue;
            }
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is 0 or 0xFFFD || IsOther(category)) continue;
            if (stripAccents && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }
            Rune output = lowercase ? Rune.ToLowerInvariant(rune) : rune;
            if (IsPunctuation(category) || (rune.Value < 0x7F && IsSymbol(category)) || IsCjkIdeograph(rune.Value))
            {
                EndWord();
                words.Add(output.ToString());
                continue;
            }
            word.Append(output.ToString());
        }
        EndWord();
    }

    /// <summary>
    /// The first code point of the canonical decomposition (NFD), the rest being dropped with the marks. That is
    /// llama.cpp's accent stripping; BERT's own normalizer keeps the rest where it is not a mark, which differs for
    /// Hangul syllables (llama.cpp keeps the leading consonant alone). This follows llama.cpp, the engine's reference.
    /// </summary>
    private static Rune FirstOfDecomposition(Rune rune)
    {
        if (rune.Value < 0xC0) return rune; // nothing below À decomposes
        string decomposed = rune.ToString().Normalize(NormalizationForm.FormD);
        return Rune.GetRuneAt(decomposed, 0);
    }

    private static bool IsOther(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static bool IsPunctuation(UnicodeCategory category) => category is UnicodeCategory.ConnectorPunctuation
        or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
        or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static bool IsSymbol(UnicodeCategory category) => category is UnicodeCategory.MathSymbol
        or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;

    /// <summary>The CJK ideograph blocks BERT splits one by one (its ranges, Extension C's start as BERT has it).</summary>
    private static bool IsCjkIdeograph(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF
        or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF
        or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
