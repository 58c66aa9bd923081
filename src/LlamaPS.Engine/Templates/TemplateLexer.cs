using LlamaPS.Engine.Templates.Python;

namespace LlamaPS.Engine.Templates;

/// <summary>
/// Splits template source into tokens with the whitespace handling of Hugging Face's Jinja2 environment:
/// <list type="bullet">
/// <item>trim_blocks: the first newline after a block or comment tag (%} or #}) is dropped;</item>
/// <item>lstrip_blocks: whitespace between the start of a line and a block or comment tag is dropped (not before
/// {{ );</item>
/// <item>a "-" inside a tag's delimiter ({%- or -%}) strips all whitespace on that side; a "+" ({%+ or +%}) keeps it;</item>
/// <item>line ends are normalized to "\n" and one trailing newline of the source is dropped (keep_trailing_newline=False).</item>
/// </list>
/// Comments vanish and {% raw %} blocks become text.
/// </summary>
internal sealed class TemplateLexer
{
    private static readonly string[] Operators2 = ["//", "**", "==", "!=", ">=", "<="];
    private const string Operators1 = "+-/*%~[](){}><=.:|,;";

    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;
    // Whether the text before the next tag starts a line (the template's start, or the last tag ended in a newline).
    private bool _lineStarting = true;

    private TemplateLexer(string source) => _source = source;

    public static List<Token> Tokenize(string source)
    {
        string normalized = source.Replace("\r\n", "\n").Replace('\r', '\n');
        if (normalized.EndsWith('\n')) normalized = normalized[..^1];
        var lexer = new TemplateLexer(normalized);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            int tag = FindTagStart(_pos);
            if (tag < 0)
            {
                EmitText(_source[_pos..], _line);
                Advance(_source.Length);
                break;
            }
            char kind = _source[tag + 1];
            char modifier = tag + 2 < _source.Length ? _source[tag + 2] : '\0';
            int textLine = _line;
            string text = LeadingControl(_source[_pos..tag], modifier, kind != '{');
            Advance(tag);
            EmitText(text, textLine);
            int body = tag + 2 + (modifier is '-' or '+' ? 1 : 0);
            switch (kind)
            {
                case '#':
                    LexComment(body);
                    break;
                case '{':
                    Emit(TokenKind.VariableBegin, "{{");
                    Advance(body);
                    LexTag(block: false);
                    break;
                default:
                    if (RawHeaderEnd(body) is int rawBody) LexRaw(rawBody);
                    else
                    {
                        Emit(TokenKind.BlockBegin, "{%");
                        Advance(body);
                        LexTag(block: true);
                    }
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.EndOfTemplate, "", _line));
    }

    private int FindTagStart(int from)
    {
        for (int i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#') return i;
        }
        return -1;
    }

    /// <summary>The text before a tag after the tag's left-side whitespace control.</summary>
    private string LeadingControl(string text, char modifier, bool blockOrComment)
    {
        if (modifier == '-') return PythonString.Strip(text, null, left: false);
        if (modifier == '+' || !blockOrComment) return text;
        int lineStart = text.LastIndexOf('\n') + 1;
        if (lineStart == 0 && !_lineStarting) return text;
        // Jinja2 3.1.6 strips any whitespace there (\s+), not only spaces and tabs as earlier versions did.
        for (int i = lineStart; i < text.Length; i++)
        {
            if (!PythonString.IsSpace(text[i])) return text;
        }
        return text[..lineStart];
    }

    /// <summary>Moves past a tag's closing delimiter and the whitespace its control removes after it.</summary>
    /// <param name="close">Where the delimiter (after any - or +) starts.</param>
    /// <param name="length">The delimiter's length.</param>
    /// <param name="modifier">The '-' or '+' before the delimiter, or '\0'.</param>
    /// <param name="trim">Whether trim_blocks applies (block and comment tags).</param>
    private void TrailingControl(int close, int length, char modifier, bool trim)
    {
        int end = close + length;
        if (modifier == '-')
        {
            while (end < _source.Length && PythonString.IsSpace(_source[end])) end++;
        }
        else if (modifier != '+' && trim && end < _source.Length && _source[end] == '\n')
        {
            end++;
        }
        Advance(end);
        _lineStarting = _source[end - 1] == '\n';
    }

    private void LexComment(int body)
    {
        int close = _source.IndexOf("#}", body, StringComparison.Ordinal);
        if (close < 0) throw TemplateException.Syntax("Missing end of comment tag", _line);
        char modifier = close > body && _source[close - 1] is '-' or '+' ? _source[close - 1] : '\0';
        TrailingControl(close, 2, modifier, trim: true);
    }

    /// <summary>Where the body of a {% raw %} block starts, when the tag at <paramref name="body"/> is one.</summary>
    private int? RawHeaderEnd(int body)
    {
        int i = SkipSpace(body);
        if (string.CompareOrdinal(_source, i, "raw", 0, 3) != 0) return null;
        i = SkipSpace(i + 3);
        if (string.CompareOrdinal(_source, i, "-%}", 0, 3) == 0) return SkipSpace(i + 3);
        if (string.CompareOrdinal(_source, i, "%}", 0, 2) == 0) return i + 2;
        return null;
    }

    private void LexRaw(int rawBody)
    {
        int headerLine = _line;
        Advance(rawBody);
        for (int tag = _source.IndexOf("{%", rawBody, StringComparison.Ordinal); tag >= 0; tag = _source.IndexOf("{%", tag + 2, StringComparison.Ordinal))
        {
            char modifier = tag + 2 < _source.Length ? _source[tag + 2] : '\0';
            int i = SkipSpace(tag + 2 + (modifier is '-' or '+' ? 1 : 0));
            if (string.CompareOrdinal(_source, i, "endraw", 0, 6) != 0) continue;
            i = SkipSpace(i + 6);
            char closeModifier = i < _source.Length && _source[i] is '-' or '+' ? _source[i] : '\0';
            int close = i + (closeModifier == '\0' ? 0 : 1);
            if (string.CompareOrdinal(_source, close, "%}", 0, 2) != 0) continue;
            _lineStarting = _source[rawBody - 1] == '\n';
            EmitText(LeadingControl(_source[rawBody..tag], modifier, blockOrComment: true), _line);
            TrailingControl(close, 2, closeModifier, trim: true);
            return;
        }
        throw TemplateException.Syntax("Missing end of raw directive", headerLine);
    }

    /// <summary>Tokens inside {{ }} or {% %} up to the closing delimiter, which only counts outside brackets.</summary>
    private void LexTag(bool block)
    {
        var brackets = new Stack<char>();
        int startLine = _line;
        while (true)
        {
            Advance(SkipSpace(_pos));
            if (_pos >= _source.Length)
                throw TemplateException.Syntax($"unexpected end of template, missing '{(block ? "%}" : "}}")}' for the tag opened", startLine);
            if (brackets.Count == 0 && TryClose(block)) return;
            char c = _source[_pos];
            if (char.IsAsciiDigit(c)) LexNumber();
            else if (char.IsLetter(c) || c == '_') LexName();
            else if (c is '\'' or '"') LexString(c);
            else LexOperator(brackets);
        }
    }

    private bool TryClose(bool block)
    {
        string delimiter = block ? "%}" : "}}";
        char modifier = _source[_pos] is '-' or '+' ? _source[_pos] : '\0';
        // "+}}" is no delimiter: "+" only means something before "%}".
        if (modifier == '+' && !block) modifier = '\0';
        int close = _pos + (modifier == '\0' ? 0 : 1);
        if (string.CompareOrdinal(_source, close, delimiter, 0, 2) != 0) return false;
        Emit(block ? TokenKind.BlockEnd : TokenKind.VariableEnd, delimiter);
        TrailingControl(close, 2, modifier, trim: block);
        return true;
    }

    private void LexNumber()
    {
        int start = _pos;
        int i = _pos;
        bool afterDot = _tokens.Count > 0 && _tokens[^1].IsOperator(".");
        if (_source[i] == '0' && i + 1 < _source.Length && char.ToLowerInvariant(_source[i + 1]) is 'x' or 'o' or 'b')
        {
            // 0x1F, 0o17, 0b101: the parser reads the digits in their base.
            i += 2;
            while (i < _source.Length && (char.IsAsciiHexDigit(_source[i]) || _source[i] == '_')) i++;
            Emit(TokenKind.Integer, _source[start..i]);
            Advance(i);
            return;
        }
        i = Digits(i);
        bool isFloat = false;
        if (!afterDot && i + 1 < _source.Length && _source[i] == '.' && char.IsAsciiDigit(_source[i + 1]))
        {
            i = Digits(i + 1);
            isFloat = true;
        }
        if (!afterDot && i < _source.Length && _source[i] is 'e' or 'E')
        {
            int j = i + 1;
            if (j < _source.Length && _source[j] is '+' or '-') j++;
            if (j < _source.Length && char.IsAsciiDigit(_source[j]))
            {
                i = Digits(j);
                isFloat = true;
            }
        }
        Emit(isFloat ? TokenKind.Float : TokenKind.Integer, _source[start..i]);
        Advance(i);
    }

    // Digits with single underscores between them, as in 1_000.
    private int Digits(int i)
    {
        while (i < _source.Length && (char.IsAsciiDigit(_source[i]) || (_source[i] == '_' && i + 1 < _source.Length && char.IsAsciiDigit(_source[i + 1])))) i++;
        return i;
    }

    private void LexName()
    {
        int i = _pos;
        while (i < _source.Length && (char.IsLetterOrDigit(_source[i]) || _source[i] == '_')) i++;
        Emit(TokenKind.Name, _source[_pos..i]);
        Advance(i);
    }

    private void LexString(char quote)
    {
        int i = _pos + 1;
        while (i < _source.Length && _source[i] != quote)
        {
            if (_source[i] == '\\') i++;
            i++;
        }
        if (i >= _source.Length) throw TemplateException.Syntax("unexpected end of string literal", _line);
        Emit(TokenKind.String, PythonStringLiteral.Unescape(_source[(_pos + 1)..i], _line));
        Advance(i + 1);
    }

    private void LexOperator(Stack<char> brackets)
    {
        string? op = null;
        foreach (string two in Operators2)
        {
            if (string.CompareOrdinal(_source, _pos, two, 0, 2) == 0) op = two;
        }
        char c = _source[_pos];
        if (op is null && Operators1.Contains(c)) op = c.ToString();
        if (op is null) throw TemplateException.Syntax($"unexpected char '{c}'", _line);
        switch (c)
        {
            case '(' or '[' or '{':
                brackets.Push(c);
                break;
            case ')' or ']' or '}':
                char open = c switch { ')' => '(', ']' => '[', _ => '{' };
                if (brackets.Count == 0) throw TemplateException.Syntax($"unexpected '{c}'", _line);
                char opened = brackets.Pop();
                if (opened != open)
                    throw TemplateException.Syntax($"unexpected '{c}', expected '{opened switch { '(' => ')', '[' => ']', _ => '}' }}'", _line);
                break;
        }
        Emit(TokenKind.Operator, op);
        Advance(_pos + op.Length);
    }

    private int SkipSpace(int i)
    {
        while (i < _source.Length && PythonString.IsSpace(_source[i])) i++;
        return i;
    }

    private void Emit(TokenKind kind, string value) => _tokens.Add(new Token(kind, value, _line));

    private void EmitText(string text, int line)
    {
        if (text.Length > 0) _tokens.Add(new Token(TokenKind.Text, text, line));
    }

    /// <summary>Moves to <paramref name="to"/>, counting the lines passed.</summary>
    private void Advance(int to)
    {
        for (int i = _pos; i < to; i++)
        {
            if (_source[i] == '\n') _line++;
        }
        _pos = to;
    }
}
