using System.Globalization;
using System.Text;

namespace LlamaPS.Engine.Templates.Python;

/// <summary>Python's str operations that templates use and that .NET does differently (whitespace, split, title, repr).</summary>
internal static class PythonString
{
    /// <summary>Python's str.isspace for one character (also what \s matches in Python's re).</summary>
    public static bool IsSpace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' => true,
        '\x1c' or '\x1d' or '\x1e' or '\x1f' or '\x85' or '\xa0' => true,
        '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    /// <summary>Python's line boundaries, as str.splitlines sees them.</summary>
    public static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>str.strip/lstrip/rstrip: Python whitespace, or any character of <paramref name="chars"/>.</summary>
    public static string Strip(string s, string? chars, bool left = true, bool right = true)
    {
        bool Strippable(int index)
        {
            if (chars is null) return IsSpace(s[index]);
            // A surrogate pair in chars only matches the same pair.
            if (char.IsSurrogate(s[index])) return chars.Contains(SurrogateAt(s, index), StringComparison.Ordinal);
            return chars.Contains(s[index]);
        }
        int start = 0, end = s.Length;
        if (left)
        {
            while (start < end && Strippable(start)) start += char.IsHighSurrogate(s[start]) && start + 1 < end ? 2 : 1;
        }
        if (right)
        {
            while (end > start && Strippable(end - 1)) end -= char.IsLowSurrogate(s[end - 1]) && end - 2 >= start ? 2 : 1;
        }
        return s.Substring(start, end - start);
    }

    private static string SurrogateAt(string s, int index)
    {
        if (char.IsHighSurrogate(s[index]) && index + 1 < s.Length) return s.Substring(index, 2);
        if (char.IsLowSurrogate(s[index]) && index > 0) return s.Substring(index - 1, 2);
        return s[index].ToString();
    }

    /// <summary>str.split: by runs of whitespace (dropping empty parts) when <paramref name="sep"/> is null.</summary>
    public static List<string> Split(string s, string? sep, int maxSplit)
    {
        var parts = new List<string>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i])) i++;
                if (i == s.Length) break;
                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(Strip(s[i..], null, left: false));
                    break;
                }
                int start = i;
                while (i < s.Length && !IsSpace(s[i])) i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0) throw new TemplateException(TemplateErrorKind.ValueError, "empty separator");
        int from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[from..at]);
            from = at + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    /// <summary>str.rsplit: like <see cref="Split"/> but the <paramref name="maxSplit"/> splits are taken from the right.</summary>
    public static List<string> RSplit(string s, string? sep, int maxSplit)
    {
        if (maxSplit < 0) return Split(s, sep, maxSplit);
        var parts = new List<string>();
        if (sep is null)
        {
            int i = s.Length;
            while (true)
            {
                while (i > 0 && IsSpace(s[i - 1])) i--;
                if (i == 0) break;
                if (parts.Count == maxSplit)
                {
                    parts.Add(Strip(s[..i], null, right: false));
                    break;
                }
                int end = i;
                while (i > 0 && !IsSpace(s[i - 1])) i--;
                parts.Add(s[i..end]);
            }
        }
        else
        {
            if (sep.Length == 0) throw new TemplateException(TemplateErrorKind.ValueError, "empty separator");
            int to = s.Length;
            while (parts.Count < maxSplit)
            {
                int at = to - sep.Length < 0 ? -1 : s.LastIndexOf(sep, to - sep.Length, StringComparison.Ordinal);
                if (at < 0) break;
                parts.Add(s[(at + sep.Length)..to]);
                to = at;
            }
            parts.Add(s[..to]);
        }
        parts.Reverse();
        return parts;
    }

    /// <summary>str.splitlines: breaks at every Python line boundary; "\r\n" counts as one.</summary>
    public static List<string> SplitLines(string s, bool keepEnds = false)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!IsLineBreak(s[i])) continue;
            int breakEnd = s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
            lines.Add(s[start..(keepEnds ? breakEnd : i)]);
            start = breakEnd;
            i = breakEnd - 1;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary>str.title: a cased character after an uncased one is upper-cased, the others lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (string cp in CodePoints.Split(s))
        {
            sb.Append(previousCased ? cp.ToLowerInvariant() : cp.ToUpperInvariant());
            previousCased = IsCased(cp);
        }
        return sb.ToString();
    }

    /// <summary>str.capitalize: the first character upper-cased, the rest lower-cased.</summary>
    public static string Capitalize(string s)
    {
        if (s.Length == 0) return s;
        int first = char.IsHighSurrogate(s[0]) && s.Length > 1 ? 2 : 1;
        return s[..first].ToUpperInvariant() + s[first..].ToLowerInvariant();
    }

    private static bool IsCased(string codePoint)
    {
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint, 0);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;
    }

    /// <summary>Python's repr of a string: quoted, with escapes for backslash, the quote and unprintable characters.</summary>
    public static string Repr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == quote || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\t') sb.Append("\\t");
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c < ' ' || c == '\x7f') sb.Append("\\x").Append(((int)c).ToString("x2"));
            else if (c < '\x7f') sb.Append(c);
            else
            {
                bool pair = char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]);
                int cp = pair ? char.ConvertToUtf32(c, s[i + 1]) : c;
                if (IsPrintable(cp)) sb.Append(s, i, pair ? 2 : 1);
                else if (cp <= 0xFF) sb.Append("\\x").Append(cp.ToString("x2"));
                else if (cp <= 0xFFFF) sb.Append("\\u").Append(cp.ToString("x4"));
                else sb.Append("\\U").Append(cp.ToString("x8"));
                if (pair) i++;
            }
        }
        return sb.Append(quote).ToString();
    }

    private static bool IsLoneSurrogate(int cp) => cp is >= 0xD800 and <= 0xDFFF;

    /// <summary>str.isprintable for one code point above ASCII: not a control, format, separator, private or unassigned one.</summary>
    private static bool IsPrintable(int cp)
    {
        if (IsLoneSurrogate(cp)) return false;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    /// <summary>Markup escaping as MarkupSafe does it: &amp; &lt; &gt; and both quotes.</summary>
    public static string EscapeHtml(string s)
    {
        if (s.AsSpan().IndexOfAny("&<>'\"") < 0) return s;
        var sb = new StringBuilder(s.Length + 16);
        foreach (char c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&#34;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
