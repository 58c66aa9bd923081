using System.Globalization;
using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>Jinja2's filters on single values: default, int, float, abs, round, attr, and Hugging Face's tojson.</summary>
internal static class ValueFilters
{
    /// <summary>default(value, boolean=False): replaces an undefined value (with boolean=true, any false one).</summary>
    public static TemplateValue Default(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("default", "default_value", "boolean");
        bool replace = input is UndefinedValue || ((slots[1]?.IsTrue ?? false) && !input.IsTrue);
        return replace ? slots[0] ?? StringValue.Empty : input;
    }

    /// <summary>
    /// Hugging Face's tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False), so no
    /// ASCII or HTML escaping, unlike Jinja2's own tojson.
    /// </summary>
    public static TemplateValue ToJson(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("<lambda>", "ensure_ascii", "indent", "separators", "sort_keys");
        string? indent = slots[1] switch
        {
            null or NoneValue => null,
            StringValue s => s.Value,
            var n when Numbers.TryGetIndex(n, out long width) => new string(' ', (int)Math.Clamp(width, 0, 10_000)),
            var other => throw TemplateException.Type($"can't multiply sequence by non-int of type '{other.TypeName}'"),
        };
        (string, string)? separators = slots[2] switch
        {
            null or NoneValue => null,
            SequenceValue { Items: [StringValue item, StringValue key] } => (item.Value, key.Value),
            var other => throw TemplateException.Type($"separators must be a pair of strings, not {other.Repr()}"),
        };
        return new StringValue(PythonJson.Dumps(input, slots[0]?.IsTrue ?? false, indent, separators, slots[3]?.IsTrue ?? false));
    }

    /// <summary>int(value, default=0, base=10): Python's int(), trying float() for text such as "4.2", else the default.</summary>
    public static TemplateValue Int(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("int", "default", "base");
        var fallback = slots[0] ?? IntegerValue.Of(0);
        long radix = 10;
        if (slots[1] is { } b && !Numbers.TryGetIndex(b, out radix)) throw TemplateException.Type($"'{b.TypeName}' object cannot be interpreted as an integer");
        switch (input)
        {
            case UndefinedValue u:
                // Jinja2's Undefined fails in int() itself, which the filter does not catch.
                throw u.Fail();
            case IntegerValue or BooleanValue:
                Numbers.TryGetIndex(input, out long n);
                return IntegerValue.Of(n);
            case FloatValue f:
                return Truncate(f.Value) ?? fallback;
            case StringValue s:
                if (ParseInteger(s.Value, (int)radix) is long parsed) return IntegerValue.Of(parsed);
                return ParseFloat(s.Value) is double d ? Truncate(d) ?? fallback : fallback;
            default:
                return fallback;
        }
    }

    private static TemplateValue? Truncate(double value)
    {
        if (double.IsNaN(value)) return null;
        if (double.IsInfinity(value) || Math.Abs(value) >= 9.2e18)
            throw new TemplateException(TemplateErrorKind.OverflowError, "cannot convert float infinity to integer");
        return IntegerValue.Of((long)Math.Truncate(value));
    }

    /// <summary>Python's int(text, base): surrounding whitespace, a sign, underscores between digits, a matching 0x/0o/0b prefix.</summary>
    private static long? ParseInteger(string text, int radix)
    {
        string s = PythonString.Strip(text, null);
        bool negative = s.StartsWith('-');
        if (s.StartsWith('-') || s.StartsWith('+')) s = s[1..];
        string prefix = radix switch { 16 => "0x", 8 => "0o", 2 => "0b", _ => "" };
        if (prefix.Length > 0 && s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) s = s[2..].TrimStart('_');
        if (s.Length == 0 || s[0] == '_' || s[^1] == '_' || s.Contains("__")) return null;
        s = s.Replace("_", "");
        try
        {
            long value = radix == 10
                ? long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)
                : Convert.ToInt64(s, radix is 2 or 8 or 16 ? radix : throw new FormatException());
            return negative ? -value : value;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Python's float(text): decimal or exponent notation, inf, nan, with surrounding whitespace.</summary>
    private static double? ParseFloat(string text)
    {
        string s = PythonString.Strip(text, null).Replace("_", "");
        string lower = s.ToLowerInvariant().TrimStart('+', '-');
        if (lower is "inf" or "infinity") return s.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
        if (lower == "nan") return double.NaN;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;
    }

    public static TemplateValue Float(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var fallback = arguments.Bind("float", "default")[0] ?? new FloatValue(0);
        return input switch
        {
            UndefinedValue u => throw u.Fail(),
            StringValue s => ParseFloat(s.Value) is double d ? new FloatValue(d) : fallback,
            _ when Numbers.TryGetDouble(input, out double x) => new FloatValue(x),
            _ => fallback,
        };
    }

    public static TemplateValue Abs(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("abs");
        return input switch
        {
            FloatValue f => new FloatValue(Math.Abs(f.Value)),
            _ when Numbers.TryGetIndex(input, out long n) => IntegerValue.Of(n == long.MinValue ? throw new TemplateException(TemplateErrorKind.OverflowError, "integer overflow") : Math.Abs(n)),
            _ => throw TemplateException.Type($"bad operand type for abs(): '{input.TypeName}'"),
        };
    }

    /// <summary>round(precision=0, method='common'|'ceil'|'floor'); 'common' is Python's round (halves to even).</summary>
    public static TemplateValue Round(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("round", "precision", "method");
        long precision = 0;
        if (slots[0] is { } p && !Numbers.TryGetIndex(p, out precision)) throw TemplateException.Type($"'{p.TypeName}' object cannot be interpreted as an integer");
        string method = slots[1]?.ToStr() ?? "common";
        if (!Numbers.TryGetDouble(input, out double value)) throw TemplateException.Type($"type {input.TypeName} doesn't define __round__ method");
        int digits = (int)Math.Clamp(precision, -15, 15);
        double scale = Math.Pow(10, digits);
        double rounded = method switch
        {
            "common" => digits >= 0 ? Math.Round(value, digits, MidpointRounding.ToEven) : Math.Round(value * scale, MidpointRounding.ToEven) / scale,
            "ceil" => Math.Ceiling(value * scale) / scale,
            "floor" => Math.Floor(value * scale) / scale,
            _ => throw new TemplateException(TemplateErrorKind.FilterArgumentError, "method must be common, ceil or floor"),
        };
        // Python's round() of an int with the common method stays an int.
        return method == "common" && input is IntegerValue or BooleanValue ? IntegerValue.Of((long)rounded) : new FloatValue(rounded);
    }

    /// <summary>attr(name): only a Python attribute (a method), never an item, as in Jinja2.</summary>
    public static TemplateValue Attr(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var name = arguments.Bind("attr", "name")[0]?.ToStr() ?? throw TemplateException.Type("attr() missing required argument: 'name'");
        if (input is UndefinedValue u) throw u.Fail();
        return input.FindAttribute(name) ?? UndefinedValue.Missing(input, new StringValue(name));
    }
}
