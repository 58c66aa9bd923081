using System.Globalization;
using System.Text;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Python;

/// <summary>
/// Python's printf-style formatting, "text %s" % value (and Jinja2's format filter): %s %r %a %d %i %u %x %X %o
/// %e %E %f %F %g %G %c %%, with mapping keys %(name)s, the flags - + space 0 #, width and precision (or *).
/// </summary>
internal static class PythonPercentFormat
{
    public static string Format(string format, TemplateValue arguments)
    {
        var positional = arguments is TupleValue t ? t.Items : [arguments];
        var mapping = arguments as DictValue;
        int next = 0;
        bool usedMapping = false;
        TemplateValue NextArgument()
        {
            if (next >= positional.Count) throw TemplateException.Type("not enough arguments for format string");
            return positional[next++];
        }

        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                sb.Append(format[i]);
                continue;
            }
            int start = i++;
            if (i >= format.Length) throw new TemplateException(TemplateErrorKind.ValueError, "incomplete format");
            TemplateValue? keyed = null;
            if (format[i] == '(')
            {
                int close = format.IndexOf(')', i);
                if (close < 0) throw new TemplateException(TemplateErrorKind.ValueError, "incomplete format key");
                if (mapping is null) throw TemplateException.Type("format requires a mapping");
                var key = new StringValue(format[(i + 1)..close]);
                keyed = mapping.Get(key) ?? throw new TemplateException(TemplateErrorKind.TemplateRuntimeError, $"KeyError: {key.Repr()}");
                usedMapping = true;
                i = close + 1;
            }
            string flags = "";
            while (i < format.Length && "-+ 0#".Contains(format[i])) flags += format[i++];
            int? width = ReadNumber(format, ref i, NextArgument);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i, NextArgument) ?? 0;
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L') i++;
            if (i >= format.Length) throw new TemplateException(TemplateErrorKind.ValueError, "incomplete format");
            char conversion = format[i];
            if (conversion == '%')
            {
                sb.Append('%');
                continue;
            }
            var value = keyed ?? (mapping is not null && positional.Count == 1 ? mapping : NextArgument());
            string text = Convert(value, conversion, flags, precision, start);
            sb.Append(Pad(text, flags, width, numeric: conversion is not ('s' or 'r' or 'a' or 'c')));
        }
        // Python only reports unused arguments for a tuple or a single value without items (not a list or dict).
        bool hasItems = arguments is not (TupleValue or StringValue) && (arguments.IsSequence || arguments.IsMapping);
        if (!usedMapping && !hasItems && next < positional.Count)
            throw TemplateException.Type("not all arguments converted during string formatting");
        return sb.ToString();
    }

    private static int? ReadNumber(string format, ref int i, Func<TemplateValue> next)
    {
        if (i < format.Length && format[i] == '*')
        {
            i++;
            return Numbers.TryGetIndex(next(), out long n) ? (int)n : throw TemplateException.Type("* wants int");
        }
        int begin = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        return i > begin ? int.Parse(format.AsSpan(begin, i - begin), CultureInfo.InvariantCulture) : null;
    }

    private static string Convert(TemplateValue value, char conversion, string flags, int? precision, int index)
    {
        switch (conversion)
        {
            case 's':
                return Truncate(value.ToStr(), precision);
            case 'r' or 'a':
                return Truncate(value.Repr(), precision);
            case 'c':
                if (value is StringValue { Length: 1 } c) return c.Value;
                if (Numbers.TryGetIndex(value, out long code) && code is >= 0 and <= 0x10FFFF) return char.ConvertFromUtf32((int)code);
                throw TemplateException.Type("%c requires int or char");
            case 'd' or 'i' or 'u':
                return Sign(Integer(value, conversion, allowFloat: true), flags, precision, "", 10);
            case 'x' or 'X' or 'o':
                var n = Integer(value, conversion, allowFloat: false);
                string prefix = flags.Contains('#') ? (conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X") : "";
                string digits = Sign(n, flags, precision, prefix, conversion == 'o' ? 8 : 16);
                return conversion == 'X' ? digits.ToUpperInvariant() : digits;
            case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                if (!Numbers.TryGetDouble(value, out double x))
                    throw TemplateException.Type($"must be real number, not {value.TypeName}");
                return Real(x, conversion, flags, precision ?? 6);
            default:
                throw new TemplateException(TemplateErrorKind.ValueError, $"unsupported format character '{conversion}' (0x{(int)conversion:x}) at index {index + 1}");
        }
    }

    private static string Truncate(string s, int? precision) => precision is int p && p < s.Length ? s[..p] : s;

    private static long Integer(TemplateValue value, char conversion, bool allowFloat)
    {
        if (Numbers.TryGetIndex(value, out long n)) return n;
        if (allowFloat && value is FloatValue f && !double.IsNaN(f.Value) && !double.IsInfinity(f.Value)) return (long)Math.Truncate(f.Value);
        throw TemplateException.Type(allowFloat
            ? $"%{conversion} format: a real number is required, not {value.TypeName}"
            : $"%{conversion} format: an integer is required, not {value.TypeName}");
    }

    private static string Sign(long n, string flags, int? precision, string prefix, int radix)
    {
        string digits = radix == 10 ? Math.Abs((decimal)n).ToString(CultureInfo.InvariantCulture) : System.Convert.ToString(Math.Abs(n), radix);
        if (precision is int p && digits.Length < p) digits = new string('0', p - digits.Length) + digits;
        return SignOf(n < 0, flags) + prefix + digits;
    }

    private static string SignOf(bool negative, string flags) => negative ? "-" : flags.Contains('+') ? "+" : flags.Contains(' ') ? " " : "";

    private static string Real(double x, char conversion, string flags, int precision)
    {
        bool upper = char.IsUpper(conversion);
        if (double.IsNaN(x) || double.IsInfinity(x))
        {
            string word = double.IsNaN(x) ? "nan" : "inf";
            return SignOf(x < 0, flags) + (upper ? word.ToUpperInvariant() : word);
        }
        double magnitude = Math.Abs(x);
        string body = char.ToLowerInvariant(conversion) switch
        {
            'f' => magnitude.ToString("F" + precision, CultureInfo.InvariantCulture),
            'e' => Exponent(magnitude, precision),
            _ => General(magnitude, precision == 0 ? 1 : precision, flags.Contains('#')),
        };
        if (flags.Contains('#') && precision == 0 && !body.Contains('.')) body = body.Contains('e') ? body.Insert(body.IndexOf('e'), ".") : body + ".";
        return SignOf(double.IsNegative(x), flags) + (upper ? body.ToUpperInvariant() : body);
    }

    /// <summary>d.ddde+XX with <paramref name="precision"/> digits after the point and at least two exponent digits.</summary>
    private static string Exponent(double x, int precision)
    {
        string s = x.ToString((precision == 0 ? "0" : "0." + new string('0', precision)) + "e+00", CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>%g: exponent form when the exponent is below -4 or at least the precision, trailing zeros removed.</summary>
    private static string General(double x, int precision, bool keepZeros)
    {
        if (x == 0) return keepZeros ? "0." + new string('0', precision - 1) : "0";
        string e = Exponent(x, precision - 1);
        int exponent = int.Parse(e[(e.IndexOf('e') + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            if (keepZeros) return e;
            int at = e.IndexOf('e');
            string mantissa = e[..at];
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            return mantissa + e[at..];
        }
        string f = x.ToString("F" + Math.Max(0, precision - 1 - exponent), CultureInfo.InvariantCulture);
        return keepZeros || !f.Contains('.') ? f : f.TrimEnd('0').TrimEnd('.');
    }

    private static string Pad(string text, string flags, int? width, bool numeric)
    {
        if (width is not int w || text.Length >= w) return text;
        if (flags.Contains('-')) return text.PadRight(w);
        if (numeric && flags.Contains('0'))
        {
            int signLength = text.Length > 0 && text[0] is '-' or '+' or ' ' ? 1 : 0;
            if (text.Length > signLength + 1 && text[signLength] == '0' && text[signLength + 1] is 'x' or 'X' or 'o') signLength += 2;
            return text[..signLength] + new string('0', w - text.Length) + text[signLength..];
        }
        return text.PadLeft(w);
    }
}
