namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Splits raw text at occurrences of special tokens, as llama.cpp's tokenizer_st_partition does: each special token
/// in turn (longest text first) is searched for in the text fragments that remain, so a longer token wins over a
/// shorter one it contains. User-defined tokens are always matched; control and unknown tokens only when special
/// tokens are parsed. Strip attributes drop the whitespace beside a match.
/// </summary>
internal static class SpecialTokenPartitioner
{
    public static List<TextFragment> Partition(string text, Vocabulary vocabulary, bool parseSpecial)
    {
        var fragments = new List<TextFragment>();
        if (text.Length == 0) return fragments;
        fragments.Add(TextFragment.Text(0, text.Length));
        // A token occurs only where its first character does: one pass over the text spares a search per absent token
        // (vocabularies have hundreds of reserved special tokens, most of them starting with a character like '<').
        var present = new ulong[(char.MaxValue + 1) / 64];
        foreach (char c in text) present[c >> 6] |= 1UL << c;
        var next = new List<TextFragment>();
        foreach (int id in vocabulary.SpecialTokensLongestFirst)
        {
            if (!parseSpecial && vocabulary.GetTokenType(id) is TokenType.Control or TokenType.Unknown) continue;
            string tokenText = vocabulary.GetText(id);
            if ((present[tokenText[0] >> 6] & (1UL << tokenText[0])) == 0) continue;
            TokenStrip strip = vocabulary.GetStrip(id);
            next.Clear();
            bool matched = false;
            foreach (var fragment in fragments)
            {
                if (fragment.IsToken)
                {
                    next.Add(fragment);
                    continue;
                }
                matched |= Split(text, fragment, id, tokenText, strip, next);
            }
            if (matched) (fragments, next) = (next, fragments);
        }
        return fragments;
    }

    /// <summary>Appends <paramref name="fragment"/> to <paramref name="output"/>, split at every match of the token; true if any matched.</summary>
    private static bool Split(string text, TextFragment fragment, int id, string tokenText, TokenStrip strip, List<TextFragment> output)
    {
        int start = fragment.Start;
        int end = fragment.Start + fragment.Length;
        bool matched = false;
        while (start < end)
        {
            int match = text.IndexOf(tokenText, start, end - start, StringComparison.Ordinal);
            if (match < 0) break;
            matched = true;
            int leftEnd = match;
            if ((strip & TokenStrip.Left) != 0)
            {
                while (leftEnd > start && IsCSpace(text[leftEnd - 1])) leftEnd--;
            }
            if (leftEnd > start) output.Add(TextFragment.Text(start, leftEnd - start));
            output.Add(TextFragment.Token(id));
            start = match + tokenText.Length;
            if ((strip & TokenStrip.Right) != 0)
            {
                while (start < end && IsCSpace(text[start])) start++;
            }
        }
        if (start < end) output.Add(TextFragment.Text(start, end - start));
        return matched;
    }

    /// <summary>C's isspace in the "C" locale, which is what llama.cpp strips with.</summary>
    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
