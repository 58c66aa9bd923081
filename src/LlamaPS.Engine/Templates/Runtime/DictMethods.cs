using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// The methods of Python's dict that templates call (items, get, keys, values). As in Python, they win over keys of
/// the same name when read as attributes: d.items is the method even if d has an "items" key.
/// </summary>
internal static class DictMethods
{
    private static readonly HashSet<string> Mutating = new(StringComparer.Ordinal)
    {
        "clear", "pop", "popitem", "setdefault", "update",
    };

    public static TemplateValue? Bind(DictValue dict, string name)
    {
        Func<Arguments, TemplateValue>? body = name switch
        {
            "items" => a => a.WithoutArguments(name, new DictViewValue("dict_items", dict.Pairs.Select(p => (TemplateValue)new TupleValue([p.Key, p.Value])).ToArray())),
            "keys" => a => a.WithoutArguments(name, new DictViewValue("dict_keys", dict.Keys.ToArray())),
            "values" => a => a.WithoutArguments(name, new DictViewValue("dict_values", dict.Values.ToArray())),
            "copy" => a => a.WithoutArguments(name, new DictValue(dict.Pairs)),
            "get" => a =>
            {
                var slots = a.Bind(name, "key", "default");
                var key = slots[0] ?? throw TemplateException.Type("get expected at least 1 argument, got 0");
                if (!PythonEquality.IsHashable(key)) throw TemplateException.Type($"unhashable type: '{key.TypeName}'");
                return dict.Get(key) ?? slots[1] ?? NoneValue.Instance;
            },
            _ => null,
        };
        if (body is not null) return new FunctionValue(name, (a, _) => body(a));
        if (Mutating.Contains(name)) return UndefinedValue.Unsafe(dict, name);
        return name == "fromkeys" ? UndefinedValue.NotImplemented(dict, name) : null;
    }
}
