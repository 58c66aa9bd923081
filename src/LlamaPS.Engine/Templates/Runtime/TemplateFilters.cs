using System.Collections.Frozen;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// The filters a template can name, as Jinja2 3.1 defines them, with tojson as Hugging Face overrides it. A filter
/// missing here makes the template fail to parse with an error naming it.
/// </summary>
internal static class TemplateFilters
{
    private static readonly FrozenDictionary<string, TemplateFilter> Filters = new Dictionary<string, TemplateFilter>
    {
        ["abs"] = ValueFilters.Abs,
        ["attr"] = ValueFilters.Attr,
        ["batch"] = SequenceFilters.Batch,
        ["capitalize"] = StringFilters.Capitalize,
        ["center"] = StringFilters.Center,
        ["count"] = SequenceFilters.Length,
        ["d"] = ValueFilters.Default,
        ["default"] = ValueFilters.Default,
        ["dictsort"] = SequenceFilters.DictSort,
        ["e"] = StringFilters.Escape,
        ["escape"] = StringFilters.Escape,
        ["first"] = SequenceFilters.First,
        ["float"] = ValueFilters.Float,
        ["forceescape"] = StringFilters.ForceEscape,
        ["format"] = StringFilters.Format,
        ["indent"] = StringFilters.Indent,
        ["int"] = ValueFilters.Int,
        ["items"] = SequenceFilters.Items,
        ["join"] = SequenceFilters.Join,
        ["last"] = SequenceFilters.Last,
        ["length"] = SequenceFilters.Length,
        ["list"] = SequenceFilters.List,
        ["lower"] = StringFilters.Lower,
        ["map"] = SequenceFilters.Map,
        ["max"] = SequenceFilters.Max,
        ["min"] = SequenceFilters.Min,
        ["reject"] = SequenceFilters.Reject,
        ["rejectattr"] = SequenceFilters.RejectAttr,
        ["replace"] = StringFilters.Replace,
        ["reverse"] = SequenceFilters.Reverse,
        ["round"] = ValueFilters.Round,
        ["safe"] = StringFilters.Safe,
        ["select"] = SequenceFilters.Select,
        ["selectattr"] = SequenceFilters.SelectAttr,
        ["sort"] = SequenceFilters.Sort,
        ["string"] = StringFilters.String,
        ["sum"] = SequenceFilters.Sum,
        ["title"] = StringFilters.Title,
        ["tojson"] = ValueFilters.ToJson,
        ["trim"] = StringFilters.Trim,
        ["unique"] = SequenceFilters.Unique,
        ["upper"] = StringFilters.Upper,
        ["wordcount"] = StringFilters.WordCount,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static TemplateFilter? Find(string name) => Filters.GetValueOrDefault(name);

    /// <summary>A filter named at render time (map('upper')); unknown names are an error, as in Jinja2.</summary>
    public static TemplateFilter Require(string name) =>
        Find(name) ?? throw new TemplateException(TemplateErrorKind.TemplateRuntimeError, $"No filter named '{name}'.");

    /// <summary>Jinja2's soft_str: a string stays as it is (Markup too), anything else becomes its str().</summary>
    public static StringValue SoftString(TemplateValue value) => value as StringValue ?? new StringValue(value.ToStr());

    /// <summary>
    /// Jinja2's attribute getter for filters such as map(attribute='a.b') and selectattr('x'): dotted parts, each
    /// looked up as an item (integers as indexes); <paramref name="fallback"/> replaces an undefined result.
    /// </summary>
    public static Func<TemplateValue, TemplateValue> AttributeGetter(TemplateValue attribute, TemplateValue? fallback = null)
    {
        TemplateValue[] parts = attribute is StringValue s
            ? s.Value.Split('.').Select(p => long.TryParse(p, out long i) ? (TemplateValue)IntegerValue.Of(i) : new StringValue(p)).ToArray()
            : [attribute];
        return item =>
        {
            foreach (var part in parts) item = item.GetItem(part);
            return fallback is not null && item is UndefinedValue ? fallback : item;
        };
    }
}
