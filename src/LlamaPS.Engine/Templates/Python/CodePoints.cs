namespace LlamaPS.Engine.Templates.Python;

/// <summary>
/// Python counts, indexes and orders strings by Unicode code point, .NET by UTF-16 unit; the two differ only where
/// a string holds characters outside the BMP (emoji). These helpers give Python's view, fast for BMP-only text.
/// </summary>
internal static class CodePoints
{
    /// <summary>Whether every code point of <paramref name="s"/> is one UTF-16 unit.</summary>
    public static bool IsBmpOnly(string s)
    {
        foreach (char c in s)
        {
            if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>The UTF-16 offset of each code point, plus the string's length at the end.</summary>
    public static int[] Offsets(string s)
    {
        var offsets = new List<int>(s.Length + 1);
        for (int i = 0; i < s.Length; i++)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
        }
        offsets.Add(s.Length);
        return offsets.ToArray();
    }

    /// <summary>The code points of <paramref name="s"/>, each as its own string (one or two UTF-16 units).</summary>
    public static IEnumerable<string> Split(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return s.Substring(i, 2);
                i++;
            }
            else
            {
                yield return s[i].ToString();
            }
        }
    }

    /// <summary>Orders strings as Python does, by code point rather than by UTF-16 unit.</summary>
    public static int Compare(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i]) return CodePointOrder(a[i]).CompareTo(CodePointOrder(b[i]));
        }
        return a.Length.CompareTo(b.Length);
    }

    // Surrogates (U+D800-DFFF) stand for code points above U+FFFF, so they must sort after U+E000-FFFF.
    private static int CodePointOrder(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
