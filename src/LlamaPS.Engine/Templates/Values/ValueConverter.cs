using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// Turns .NET data (what a caller passes as messages, tools and other variables) into template values, keeping the
/// order of dictionary keys, which shows wherever a template iterates a dict or serializes it with tojson.
/// </summary>
internal static class ValueConverter
{
    public static TemplateValue Convert(object? value) => value switch
    {
        null => NoneValue.Instance,
        TemplateValue v => v,
        string s => new StringValue(s),
        char c => new StringValue(c.ToString()),
        bool b => BooleanValue.Of(b),
        sbyte or byte or short or ushort or int or uint or long => IntegerValue.Of(System.Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => u <= long.MaxValue ? IntegerValue.Of((long)u) : new FloatValue(u),
        float or double or decimal => new FloatValue(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        JsonElement json => FromJson(json),
        IDictionary dictionary => new DictValue(Entries(dictionary)),
        IEnumerable<KeyValuePair<string, object?>> pairs => new DictValue(pairs.Select(p => KeyValuePair.Create<TemplateValue, TemplateValue>(new StringValue(p.Key), Convert(p.Value)))),
        IEnumerable items => new ListValue(items.Cast<object?>().Select(Convert).ToArray()),
        _ => throw new ArgumentException($"A {value.GetType().FullName} cannot be given to a template: pass strings, numbers, booleans, null, dictionaries or lists."),
    };

    private static IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> Entries(IDictionary dictionary)
    {
        // IDictionary's own enumerator: a generic dictionary's plain IEnumerable yields KeyValuePairs instead.
        var entries = dictionary.GetEnumerator();
        while (entries.MoveNext()) yield return KeyValuePair.Create(Convert(entries.Key), Convert(entries.Value));
    }

    /// <summary>A parsed JSON value as Python's json.load gives it: integers stay int, other numbers become float.</summary>
    public static TemplateValue FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => new DictValue(json.EnumerateObject().Select(p => KeyValuePair.Create<TemplateValue, TemplateValue>(new StringValue(p.Name), FromJson(p.Value)))),
        JsonValueKind.Array => new ListValue(json.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.String => new StringValue(json.GetString()!),
        JsonValueKind.Number => json.GetRawText().AsSpan().IndexOfAny(".eE") < 0 && json.TryGetInt64(out long i) ? IntegerValue.Of(i) : new FloatValue(json.GetDouble()),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NoneValue.Instance,
    };
}
