using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// The functions every template can call: Jinja2's range, dict and namespace, and the two Hugging Face adds,
/// raise_exception(message) and strftime_now(format).
/// </summary>
internal static class TemplateGlobals
{
    /// <summary>The sandbox's limit on range(); a larger range fails rather than exhausting memory.</summary>
    public const int MaxRange = 100_000;

    public static Scope Create()
    {
        var scope = new Scope(null);
        scope.Set("range", new FunctionValue("range", (a, _) => Range(a)));
        scope.Set("dict", new FunctionValue("dict", (a, _) => new DictValue(Pairs(a, "dict"))));
        scope.Set("namespace", new FunctionValue("namespace", (a, _) => Namespace(a)));
        scope.Set("raise_exception", new FunctionValue("raise_exception", (a, _) =>
            throw new TemplateException(TemplateErrorKind.TemplateError, (a.Bind("raise_exception", "message")[0] ?? StringValue.Empty).ToStr()), "function"));
        scope.Set("strftime_now", new FunctionValue("strftime_now", (a, context) =>
        {
            var format = a.Bind("strftime_now", "format")[0] as StringValue ?? throw TemplateException.Type("strftime_now() argument must be str");
            return new StringValue(PythonStrftime.Format(context.Options.Now(), format.Value));
        }, "function"));
        foreach (string name in (string[])["cycler", "joiner", "lipsum"])
        {
            scope.Set(name, new FunctionValue(name, (_, _) =>
                throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported template construct: the global function '{name}'.")));
        }
        return scope;
    }

    private static TemplateValue Range(Arguments arguments)
    {
        if (arguments.Keywords.Count > 0) throw TemplateException.Type("range() takes no keyword arguments");
        var values = arguments.Positional.Select(v => Numbers.TryGetIndex(v, out long n)
            ? n
            : throw TemplateException.Type($"'{v.TypeName}' object cannot be interpreted as an integer")).ToArray();
        var (start, stop, step) = values.Length switch
        {
            1 => (0L, values[0], 1L),
            2 => (values[0], values[1], 1L),
            3 => (values[0], values[1], values[2]),
            _ => throw TemplateException.Type($"range expected at most 3 arguments, got {values.Length}"),
        };
        if (step == 0) throw new TemplateException(TemplateErrorKind.ValueError, "range() arg 3 must not be zero");
        double count = Math.Ceiling(((double)stop - start) / step);
        if (count > MaxRange)
            throw new TemplateException(TemplateErrorKind.OverflowError, $"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        return new RangeValue(start, stop, step);
    }

    /// <summary>dict(...)'s pairs: a mapping or an iterable of pairs, then keyword arguments.</summary>
    private static List<KeyValuePair<TemplateValue, TemplateValue>> Pairs(Arguments arguments, string function)
    {
        if (arguments.Positional.Count > 1) throw TemplateException.Type($"{function} expected at most 1 argument, got {arguments.Positional.Count}");
        var pairs = new List<KeyValuePair<TemplateValue, TemplateValue>>();
        if (arguments.Positional.Count == 1)
        {
            var source = arguments.Positional[0];
            if (source is DictValue d) pairs.AddRange(d.Pairs);
            else
            {
                foreach (var item in Operators.Iterate(source))
                {
                    var pair = item.Iterate()?.ToList();
                    if (pair is not { Count: 2 }) throw new TemplateException(TemplateErrorKind.ValueError, $"dictionary update sequence element #{pairs.Count} has the wrong length");
                    pairs.Add(KeyValuePair.Create(pair[0], pair[1]));
                }
            }
        }
        pairs.AddRange(arguments.Keywords.Select(k => KeyValuePair.Create<TemplateValue, TemplateValue>(new StringValue(k.Key), k.Value)));
        return pairs;
    }

    private static NamespaceValue Namespace(Arguments arguments)
    {
        var ns = new NamespaceValue();
        foreach (var (key, value) in Pairs(arguments, "namespace")) ns.Set(key.ToStr(), value);
        return ns;
    }
}
