using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A Python str, or a MarkupSafe Markup string (what the safe filter makes): adding plain text to Markup HTML-escapes
/// that text, as Jinja2 does. Length, indexes and slices count code points, as Python does.
/// </summary>
internal sealed class StringValue(string value, bool isMarkup = false) : TemplateValue
{
    public static readonly StringValue Empty = new("");

    private int[]? _offsets;
    private bool? _bmpOnly;

    public string Value { get; } = value;

    /// <summary>Whether this is Markup (marked safe): text added to it is escaped.</summary>
    public bool IsMarkup { get; } = isMarkup;

    public override string TypeName => IsMarkup ? "Markup" : "str";
    internal override string ObjectDescription => IsMarkup ? "markupsafe.Markup object" : "str object";
    public override bool IsTrue => Value.Length > 0;
    public override string ToStr() => Value;
    public override string Repr() => IsMarkup ? $"Markup({PythonString.Repr(Value)})" : PythonString.Repr(Value);
    public override bool IsSequence => true;

    private bool BmpOnly => _bmpOnly ??= CodePoints.IsBmpOnly(Value);

    /// <summary>The number of code points.</summary>
    public override int? Length => BmpOnly ? Value.Length : Offsets.Length - 1;

    private int[] Offsets => _offsets ??= CodePoints.Offsets(Value);

    // Iterating Markup gives plain characters, as str.__iter__ does.
    public override IEnumerable<TemplateValue> Iterate() => CodePoints.Split(Value).Select(c => new StringValue(c));

    /// <summary>The text of code points [start, end).</summary>
    public string Substring(int start, int end) =>
        BmpOnly ? Value[start..end] : Value[Offsets[start]..Offsets[end]];

    /// <summary>A string of the same kind (Markup stays Markup), as Python's str methods on Markup return Markup.</summary>
    public StringValue With(string text) => new(text, IsMarkup);

    protected internal override TemplateValue? FindItem(TemplateValue key)
    {
        int length = Length!.Value;
        if (key is SliceValue slice)
        {
            if (!slice.TryResolve(length, out int start, out int end, out int step)) return null;
            if (step == 1) return With(end > start ? Substring(start, end) : "");
            var sb = new System.Text.StringBuilder();
            foreach (int i in slice.Indexes(length)!) sb.Append(Substring(i, i + 1));
            return With(sb.ToString());
        }
        if (!Numbers.TryGetIndex(key, out long index)) return null;
        if (index < 0) index += length;
        if (index < 0 || index >= length) return null;
        return With(Substring((int)index, (int)index + 1));
    }

    protected internal override TemplateValue? FindAttribute(string name) => StringMethods.Bind(this, name);
}
