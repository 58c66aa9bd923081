using System.Globalization;
using System.Text;

namespace LlamaPS.Engine.Templates.Python;

/// <summary>
/// Resolves the backslash escapes of a string literal as Jinja2 does (Python's unicode-escape): \n \t \\ \' \" \xhh
/// \uhhhh \Uhhhhhhhh, octal \ooo, a backslash before a newline joins the lines, and an unknown escape stays as it is.
/// </summary>
internal static class PythonStringLiteral
{
    /// <summary>The literal's value; a malformed escape is a syntax error at <paramref name="line"/>.</summary>
    public static string Unescape(string body, int line)
    {
        if (!body.Contains('\\')) return body;
        var sb = new StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\' || i + 1 == body.Length)
            {
                sb.Append(c);
                continue;
            }
            char e = body[++i];
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case >= '0' and <= '7':
                    int octal = e - '0';
                    for (int k = 0; k < 2 && i + 1 < body.Length && body[i + 1] is >= '0' and <= '7'; k++) octal = octal * 8 + (body[++i] - '0');
                    sb.Append((char)octal);
                    break;
                case 'x' or 'u' or 'U':
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits >= body.Length || !int.TryParse(body.AsSpan(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
                        || body.AsSpan(i + 1, digits).ContainsAny("+- "))
                        throw TemplateException.Syntax($"truncated \\{e} escape in a string literal", line);
                    if (code > 0x10FFFF)
                        throw TemplateException.Syntax($"illegal Unicode character \\U{body.Substring(i + 1, digits)} in a string literal", line);
                    // A lone surrogate (\ud83d) is kept as that UTF-16 unit, as Python keeps it.
                    if (code is >= 0xD800 and <= 0xDFFF) sb.Append((char)code);
                    else sb.Append(char.ConvertFromUtf32(code));
                    i += digits;
                    break;
                case 'N':
                    throw TemplateException.Unsupported("\\N{...} escapes (characters by name) in string literals", line);
                default:
                    sb.Append('\\').Append(e);
                    break;
            }
        }
        return sb.ToString();
    }
}
