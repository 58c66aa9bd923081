using System.Text;
using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>Jinja2's string filters: trim, upper, lower, title, capitalize, replace, indent, center, safe, escape, ...</summary>
internal static class StringFilters
{
    public static TemplateValue Trim(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var chars = arguments.Bind("trim", "chars")[0];
        var s = TemplateFilters.SoftString(input);
        return s.With(PythonString.Strip(s.Value, chars is null or NoneValue ? null : chars.ToStr()));
    }

    public static TemplateValue Upper(TemplateValue input, Arguments arguments, RenderContext context) =>
        Mapped(input, arguments, "upper", PythonString.Upper);

    public static TemplateValue Lower(TemplateValue input, Arguments arguments, RenderContext context) =>
        Mapped(input, arguments, "lower", PythonString.Lower);

    public static TemplateValue Capitalize(TemplateValue input, Arguments arguments, RenderContext context) =>
        Mapped(input, arguments, "capitalize", PythonString.Capitalize);

    /// <summary>Jinja2's title filter (not str.title): a word starts after whitespace or any of - ( { [ &lt;.</summary>
    public static TemplateValue Title(TemplateValue input, Arguments arguments, RenderContext context) =>
        Mapped(input, arguments, "title", text =>
        {
            var sb = new StringBuilder(text.Length);
            bool wordStart = true;
            foreach (string cp in CodePoints.Split(text))
            {
                bool delimiter = cp.Length == 1 && (PythonString.IsSpace(cp[0]) || "-({[<".Contains(cp[0]));
                sb.Append(wordStart ? cp.ToUpperInvariant() : cp.ToLowerInvariant());
                wordStart = delimiter;
            }
            return sb.ToString();
        });

    private static TemplateValue Mapped(TemplateValue input, Arguments arguments, string name, Func<string, string> map)
    {
        arguments.Bind(name);
        var s = TemplateFilters.SoftString(input);
        return s.With(map(s.Value));
    }

    /// <summary>replace(old, new, count): as autoescape is off, everything is plain text and the result plain str.</summary>
    public static TemplateValue Replace(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("replace", "old", "new", "count");
        if (slots[0] is null || slots[1] is null) throw TemplateException.Type("do_replace() missing required arguments: 'old' and 'new'");
        long count = -1;
        if (slots[2] is { } c and not NoneValue && !Numbers.TryGetIndex(c, out count)) throw TemplateException.Type($"'{c.TypeName}' object cannot be interpreted as an integer");
        return new StringValue(StringMethods.ReplaceText(input.ToStr(), slots[0]!.ToStr(), slots[1]!.ToStr(), count));
    }

    /// <summary>
    /// indent(width=4, first=False, blank=False): indents every line after the first (all lines with first=true),
    /// leaving empty lines alone unless blank=true. width may also be the indentation text itself.
    /// </summary>
    public static TemplateValue Indent(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("indent", "width", "first", "blank");
        string indentation = slots[0] switch
        {
            null => "    ",
            StringValue w => w.Value,
            var w when Numbers.TryGetIndex(w, out long n) => new string(' ', (int)Math.Clamp(n, 0, 10_000)),
            var w => throw TemplateException.Type($"can't multiply sequence by non-int of type '{w.TypeName}'"),
        };
        bool first = slots[1]?.IsTrue ?? false, blank = slots[2]?.IsTrue ?? false;
        // Jinja2 adds "\n" to the value itself and splits its lines: only text can be indented.
        var s = input switch
        {
            StringValue text => text,
            UndefinedValue u => throw u.Fail(),
            ListValue => throw new TemplateException(TemplateErrorKind.AttributeError, "'list' object has no attribute 'splitlines'"),
            _ => throw TemplateException.Type($"unsupported operand type(s) for +=: '{input.TypeName}' and 'str'"),
        };
        // Jinja2 appends a newline before splitting, so a trailing line break is kept and never indented.
        var lines = PythonString.SplitLines(s.Value + "\n");
        var sb = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            if (i > 0) sb.Append('\n');
            bool indent = i == 0 ? first : blank || lines[i].Length > 0;
            if (indent) sb.Append(indentation);
            sb.Append(lines[i]);
        }
        return s.With(sb.ToString());
    }

    public static TemplateValue Center(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var width = arguments.Bind("center", "width")[0] ?? IntegerValue.Of(80);
        var s = TemplateFilters.SoftString(input);
        return StringMethods.Bind(s, "center")!.Call(Arguments.Of(width), context);
    }

    /// <summary>format(*args) or format(**kwargs): Python's printf-style "text %s" % arguments.</summary>
    public static TemplateValue Format(TemplateValue input, Arguments arguments, RenderContext context)
    {
        if (arguments.Positional.Count > 0 && arguments.Keywords.Count > 0)
            throw new TemplateException(TemplateErrorKind.FilterArgumentError, "can't handle positional and keyword arguments at the same time");
        TemplateValue values = arguments.Keywords.Count > 0
            ? new DictValue(arguments.Keywords.Select(k => KeyValuePair.Create<TemplateValue, TemplateValue>(new StringValue(k.Key), k.Value)))
            : new TupleValue(arguments.Positional);
        return new StringValue(PythonPercentFormat.Format(TemplateFilters.SoftString(input).Value, values));
    }

    public static TemplateValue String(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("string");
        return TemplateFilters.SoftString(input);
    }

    /// <summary>safe: marks the text as Markup, so plain text added to it with + gets HTML-escaped.</summary>
    public static TemplateValue Safe(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("safe");
        return input is StringValue { IsMarkup: true } ? input : new StringValue(input.ToStr(), isMarkup: true);
    }

    public static TemplateValue Escape(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("escape");
        return input is StringValue { IsMarkup: true } ? input : new StringValue(PythonString.EscapeHtml(input.ToStr()), isMarkup: true);
    }

    public static TemplateValue ForceEscape(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("forceescape");
        return new StringValue(PythonString.EscapeHtml(input.ToStr()), isMarkup: true);
    }

    /// <summary>The number of words (runs of letters, digits and underscores).</summary>
    public static TemplateValue WordCount(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("wordcount");
        int words = 0;
        bool inWord = false;
        foreach (char c in input.ToStr())
        {
            bool word = char.IsLetterOrDigit(c) || c == '_' || char.IsSurrogate(c);
            if (word && !inWord) words++;
            inWord = word;
        }
        return IntegerValue.Of(words);
    }
}
