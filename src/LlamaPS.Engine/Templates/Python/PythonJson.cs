using System.Globalization;
using System.Text;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Python;

/// <summary>
/// Python's json.dumps as Hugging Face's tojson calls it: separators ", " and ": " (or "," and ": " when indenting),
/// non-ASCII kept unless ensure_ascii, no HTML escaping, keys in dict order unless sort_keys. Values JSON cannot hold
/// (generators, undefined, namespaces) fail with Python's TypeError message.
/// </summary>
internal sealed class PythonJson
{
    private readonly bool _ensureAscii;
    private readonly string? _indent;
    private readonly string _itemSeparator;
    private readonly string _keySeparator;
    private readonly bool _sortKeys;
    private readonly StringBuilder _out = new();

    private PythonJson(bool ensureAscii, string? indent, string itemSeparator, string keySeparator, bool sortKeys)
    {
        (_ensureAscii, _indent, _itemSeparator, _keySeparator, _sortKeys) = (ensureAscii, indent, itemSeparator, keySeparator, sortKeys);
    }

    /// <param name="indent">null for one line; otherwise the text repeated per nesting level after each newline.</param>
    /// <param name="separators">(item, key) separators; null for Python's defaults.</param>
    public static string Dumps(TemplateValue value, bool ensureAscii, string? indent, (string Item, string Key)? separators, bool sortKeys)
    {
        var (item, key) = separators ?? (indent is null ? (", ", ": ") : (",", ": "));
        var json = new PythonJson(ensureAscii, indent, item, key, sortKeys);
        json.Write(value, 0);
        return json._out.ToString();
    }

    private void Write(TemplateValue value, int level)
    {
        switch (value)
        {
            case NoneValue:
                _out.Append("null");
                break;
            case BooleanValue b:
                _out.Append(b.Value ? "true" : "false");
                break;
            case IntegerValue i:
                _out.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case FloatValue f:
                _out.Append(Float(f.Value));
                break;
            case StringValue s:
                WriteString(s.Value);
                break;
            case SequenceValue seq:
                WriteContainer('[', ']', seq.Items, level, (item, l) => Write(item, l));
                break;
            case DictValue dict:
                var pairs = dict.Pairs.Select(p => KeyValuePair.Create(Key(p.Key), p.Value)).ToList();
                if (_sortKeys) pairs = pairs.OrderBy(p => p.Key, Comparer<string>.Create(CodePoints.Compare)).ToList();
                WriteContainer('{', '}', pairs, level, (pair, l) =>
                {
                    WriteString(pair.Key);
                    _out.Append(_keySeparator);
                    Write(pair.Value, l);
                });
                break;
            default:
                throw TemplateException.Type($"Object of type {value.TypeName} is not JSON serializable");
        }
    }

    private void WriteContainer<T>(char open, char close, IReadOnlyList<T> items, int level, Action<T, int> write)
    {
        _out.Append(open);
        if (items.Count == 0)
        {
            _out.Append(close);
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) _out.Append(_itemSeparator);
            NewLine(level + 1);
            write(items[i], level + 1);
        }
        NewLine(level);
        _out.Append(close);
    }

    private void NewLine(int level)
    {
        if (_indent is null) return;
        _out.Append('\n');
        for (int i = 0; i < level; i++) _out.Append(_indent);
    }

    /// <summary>Python turns str, int, float, bool and None keys into strings; anything else is a TypeError.</summary>
    private static string Key(TemplateValue key) => key switch
    {
        StringValue s => s.Value,
        BooleanValue b => b.Value ? "true" : "false",
        IntegerValue i => i.Value.ToString(CultureInfo.InvariantCulture),
        FloatValue f => Float(f.Value),
        NoneValue => "null",
        _ => throw TemplateException.Type($"keys must be str, int, float, bool or None, not {key.TypeName}"),
    };

    private static string Float(double value) => double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : PythonFloat.Repr(value);

    private void WriteString(string s)
    {
        _out.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': _out.Append("\\\""); break;
                case '\\': _out.Append("\\\\"); break;
                case '\n': _out.Append("\\n"); break;
                case '\r': _out.Append("\\r"); break;
                case '\t': _out.Append("\\t"); break;
                case '\b': _out.Append("\\b"); break;
                case '\f': _out.Append("\\f"); break;
                default:
                    // ensure_ascii escapes everything outside space..~ (surrogate pairs as two escapes, as UTF-16 holds them).
                    if (c < ' ' || (_ensureAscii && c > '~')) _out.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _out.Append(c);
                    break;
            }
        }
        _out.Append('"');
    }
}
