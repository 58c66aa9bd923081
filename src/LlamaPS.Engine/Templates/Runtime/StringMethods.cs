using System.Text;
using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>The methods of Python's str that templates call ("x".strip(), content.split('&lt;/think&gt;'), ...).</summary>
internal static class StringMethods
{
    /// <summary>Python str methods not implemented here; calling one fails with an error that names it.</summary>
    private static readonly HashSet<string> NotImplemented = new(StringComparer.Ordinal)
    {
        "encode", "expandtabs", "format", "format_map", "isidentifier", "isprintable", "maketrans", "swapcase", "translate",
    };

    public static TemplateValue? Bind(StringValue s, string name)
    {
        Func<Arguments, TemplateValue>? body = name switch
        {
            "strip" => a => s.With(PythonString.Strip(s.Value, Chars(a, name))),
            "lstrip" => a => s.With(PythonString.Strip(s.Value, Chars(a, name), right: false)),
            "rstrip" => a => s.With(PythonString.Strip(s.Value, Chars(a, name), left: false)),
            "split" => a => Split(s, a, name, PythonString.Split),
            "rsplit" => a => Split(s, a, name, PythonString.RSplit),
            "splitlines" => a => new ListValue(PythonString.SplitLines(s.Value, a.Bind(name, "keepends")[0]?.IsTrue ?? false).Select(s.With).ToArray()),
            "startswith" => a => BooleanValue.Of(Affix(s, a, name, (text, affix) => text.StartsWith(affix, StringComparison.Ordinal))),
            "endswith" => a => BooleanValue.Of(Affix(s, a, name, (text, affix) => text.EndsWith(affix, StringComparison.Ordinal))),
            "lower" or "casefold" => a => a.WithoutArguments(name, s.With(PythonString.Lower(s.Value))),
            "upper" => a => a.WithoutArguments(name, s.With(PythonString.Upper(s.Value))),
            "title" => a => a.WithoutArguments(name, s.With(PythonString.Title(s.Value))),
            "capitalize" => a => a.WithoutArguments(name, s.With(PythonString.Capitalize(s.Value))),
            "replace" => a => Replace(s, a),
            "find" => a => IntegerValue.Of(Find(s, a, name, last: false)),
            "rfind" => a => IntegerValue.Of(Find(s, a, name, last: true)),
            "index" => a => IntegerValue.Of(Found(Find(s, a, name, last: false))),
            "rindex" => a => IntegerValue.Of(Found(Find(s, a, name, last: true))),
            "count" => a => IntegerValue.Of(Count(s, a)),
            "join" => a => Join(s, a),
            "removeprefix" => a => s.With(RequiredString(a, name) is var p && s.Value.StartsWith(p, StringComparison.Ordinal) ? s.Value[p.Length..] : s.Value),
            "removesuffix" => a => s.With(RequiredString(a, name) is var p && p.Length > 0 && s.Value.EndsWith(p, StringComparison.Ordinal) ? s.Value[..^p.Length] : s.Value),
            "partition" => a => Partition(s, RequiredString(a, name), last: false),
            "rpartition" => a => Partition(s, RequiredString(a, name), last: true),
            "center" or "ljust" or "rjust" => a => Pad(s, a, name),
            "zfill" => a => ZFill(s, a),
            "isdigit" or "isdecimal" or "isnumeric" => a => Classify(s, a, name, c => char.IsDigit(c)),
            "isalpha" => a => Classify(s, a, name, char.IsLetter),
            "isalnum" => a => Classify(s, a, name, char.IsLetterOrDigit),
            "isspace" => a => Classify(s, a, name, PythonString.IsSpace),
            "isascii" => a => a.WithoutArguments(name, BooleanValue.Of(s.Value.All(c => c < 0x80))),
            "islower" => a => a.WithoutArguments(name, BooleanValue.Of(s.Value.Any(char.IsLower) && !s.Value.Any(char.IsUpper))),
            "isupper" => a => a.WithoutArguments(name, BooleanValue.Of(s.Value.Any(char.IsUpper) && !s.Value.Any(char.IsLower))),
            "istitle" => a => a.WithoutArguments(name, BooleanValue.Of(s.Value.Any(char.IsLetter) && PythonString.Title(s.Value) == s.Value)),
            _ => null,
        };
        if (body is not null) return new FunctionValue(name, (a, _) => body(a));
        return NotImplemented.Contains(name) ? UndefinedValue.NotImplemented(s, name) : null;
    }

    private static string? Chars(Arguments a, string name) => a.Bind(name, "chars")[0] switch
    {
        null or NoneValue => null,
        StringValue c => c.Value,
        var other => throw TemplateException.Type($"{name} arg must be None or str, not {other.TypeName}"),
    };

    private static string RequiredString(Arguments a, string name) => a.Bind(name, "arg")[0] switch
    {
        StringValue v => v.Value,
        null => throw TemplateException.Type($"{name}() takes exactly one argument (0 given)"),
        var other => throw TemplateException.Type($"{name}() argument must be str, not {other.TypeName}"),
    };

    private static TemplateValue Split(StringValue s, Arguments a, string name, Func<string, string?, int, List<string>> split)
    {
        var slots = a.Bind(name, "sep", "maxsplit");
        string? sep = slots[0] switch
        {
            null or NoneValue => null,
            StringValue v => v.Value,
            var other => throw TemplateException.Type($"must be str or None, not {other.TypeName}"),
        };
        long max = -1;
        if (slots[1] is { } m && !Numbers.TryGetIndex(m, out max)) throw TemplateException.Type($"'{m.TypeName}' object cannot be interpreted as an integer");
        return new ListValue(split(s.Value, sep, (int)Math.Clamp(max, -1, int.MaxValue)).Select(s.With).ToArray());
    }

    /// <summary>startswith/endswith: one affix or a tuple of them, optionally within [start, end) in code points.</summary>
    private static bool Affix(StringValue s, Arguments a, string name, Func<string, string, bool> test)
    {
        var slots = a.Bind(name, "prefix", "start", "end");
        string text = Window(s, slots[1], slots[2]);
        return slots[0] switch
        {
            StringValue p => test(text, p.Value),
            TupleValue t => t.Items.Any(item => item is StringValue p
                ? test(text, p.Value)
                : throw TemplateException.Type($"tuple for {name} must only contain str, not {item.TypeName}")),
            null => throw TemplateException.Type($"{name}() takes at least 1 argument (0 given)"),
            var other => throw TemplateException.Type($"{name} first arg must be str or a tuple of str, not {other.TypeName}"),
        };
    }

    private static string Window(StringValue s, TemplateValue? start, TemplateValue? end)
    {
        if (start is null or NoneValue && end is null or NoneValue) return s.Value;
        var slice = new SliceValue(start ?? NoneValue.Instance, end ?? NoneValue.Instance, NoneValue.Instance);
        return ((StringValue?)s.FindItem(slice))?.Value ?? throw TemplateException.Type("slice indices must be integers or None or have an __index__ method");
    }

    private static TemplateValue Replace(StringValue s, Arguments a)
    {
        var slots = a.Bind("replace", "old", "new", "count");
        if (slots[0] is not StringValue old || slots[1] is not StringValue replacement)
            throw TemplateException.Type("replace() arguments must be str");
        long count = -1;
        if (slots[2] is { } c && !Numbers.TryGetIndex(c, out count)) throw TemplateException.Type($"'{c.TypeName}' object cannot be interpreted as an integer");
        return s.With(ReplaceText(s.Value, old.Value, replacement.Value, count));
    }

    /// <summary>str.replace: at most <paramref name="count"/> replacements when it is not negative; "" matches between characters.</summary>
    public static string ReplaceText(string text, string old, string replacement, long count)
    {
        if (count < 0 && old.Length > 0) return text.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        long done = 0;
        if (old.Length == 0)
        {
            foreach (string cp in CodePoints.Split(text))
            {
                if (count < 0 || done++ < count) sb.Append(replacement);
                sb.Append(cp);
            }
            if (count < 0 || done < count) sb.Append(replacement);
            return sb.ToString();
        }
        int from = 0;
        while (done < count)
        {
            int at = text.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0) break;
            sb.Append(text, from, at - from).Append(replacement);
            from = at + old.Length;
            done++;
        }
        return sb.Append(text, from, text.Length - from).ToString();
    }

    /// <summary>find/rfind: the code-point index of the substring within [start, end), or -1.</summary>
    private static long Find(StringValue s, Arguments a, string name, bool last)
    {
        var slots = a.Bind(name, "sub", "start", "end");
        if (slots[0] is not StringValue sub) throw TemplateException.Type($"must be str, not {slots[0]?.TypeName ?? "nothing"}");
        int length = s.Length!.Value;
        var window = new SliceValue(slots[1] ?? NoneValue.Instance, slots[2] ?? NoneValue.Instance, NoneValue.Instance);
        if (!window.TryResolve(length, out int start, out int end, out _)) throw TemplateException.Type("slice indices must be integers or None or have an __index__ method");
        if (end < start) return -1;
        string text = s.Substring(start, end);
        int at = last ? text.LastIndexOf(sub.Value, StringComparison.Ordinal) : text.IndexOf(sub.Value, StringComparison.Ordinal);
        if (at < 0) return -1;
        return start + new StringValue(text[..at]).Length!.Value;
    }

    private static long Found(long index) =>
        index >= 0 ? index : throw new TemplateException(TemplateErrorKind.ValueError, "substring not found");

    private static long Count(StringValue s, Arguments a)
    {
        string sub = a.Bind("count", "sub")[0] switch
        {
            StringValue v => v.Value,
            null => throw TemplateException.Type("count() takes at least 1 argument (0 given)"),
            var other => throw TemplateException.Type($"must be str, not {other.TypeName}"),
        };
        if (sub.Length == 0) return s.Length!.Value + 1;
        long n = 0;
        for (int at = s.Value.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.Value.IndexOf(sub, at + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static TemplateValue Join(StringValue s, Arguments a)
    {
        var iterable = a.Bind("join", "iterable")[0] ?? throw TemplateException.Type("join() takes exactly one argument (0 given)");
        var parts = new List<string>();
        bool markup = s.IsMarkup;
        foreach (var item in Operators.Iterate(iterable))
        {
            if (item is not StringValue text) throw TemplateException.Type($"sequence item {parts.Count}: expected str instance, {item.TypeName} found");
            // Markup.join escapes plain items.
            parts.Add(markup && !text.IsMarkup ? PythonString.EscapeHtml(text.Value) : text.Value);
        }
        return s.With(string.Join(s.Value, parts));
    }

    private static TemplateValue Partition(StringValue s, string separator, bool last)
    {
        if (separator.Length == 0) throw new TemplateException(TemplateErrorKind.ValueError, "empty separator");
        int at = last ? s.Value.LastIndexOf(separator, StringComparison.Ordinal) : s.Value.IndexOf(separator, StringComparison.Ordinal);
        if (at < 0)
            return new TupleValue(last ? [s.With(""), s.With(""), s] : [s, s.With(""), s.With("")]);
        return new TupleValue([s.With(s.Value[..at]), s.With(separator), s.With(s.Value[(at + separator.Length)..])]);
    }

    /// <summary>center/ljust/rjust: pads with the fill character to <c>width</c> code points.</summary>
    private static TemplateValue Pad(StringValue s, Arguments a, string name)
    {
        var slots = a.Bind(name, "width", "fillchar");
        if (slots[0] is not { } w || !Numbers.TryGetIndex(w, out long width)) throw TemplateException.Type($"{name}() width must be an integer");
        string fill = slots[1] switch
        {
            null => " ",
            StringValue f when f.Length == 1 => f.Value,
            _ => throw TemplateException.Type("The fill character must be exactly one character long"),
        };
        width = Math.Min(width, int.MaxValue / 4);
        int padding = (int)Math.Max(0, width - s.Length!.Value);
        if (padding == 0) return s;
        int left = name switch
        {
            "ljust" => 0,
            "rjust" => padding,
            // CPython's center puts the odd padding character on the left when the width is odd.
            _ => padding / 2 + (int)(padding & width & 1),
        };
        return s.With(string.Concat(Enumerable.Repeat(fill, left)) + s.Value + string.Concat(Enumerable.Repeat(fill, padding - left)));
    }

    private static TemplateValue ZFill(StringValue s, Arguments a)
    {
        if (a.Bind("zfill", "width")[0] is not { } w || !Numbers.TryGetIndex(w, out long width)) throw TemplateException.Type("zfill() width must be an integer");
        int padding = (int)Math.Max(0, Math.Min(width, int.MaxValue / 4) - s.Length!.Value);
        if (padding == 0) return s;
        bool signed = s.Value.Length > 0 && s.Value[0] is '+' or '-';
        return s.With(signed ? s.Value[0] + new string('0', padding) + s.Value[1..] : new string('0', padding) + s.Value);
    }

    private static TemplateValue Classify(StringValue s, Arguments a, string name, Func<char, bool> test) =>
        a.WithoutArguments(name, BooleanValue.Of(s.Value.Length > 0 && s.Value.All(test)));
}
