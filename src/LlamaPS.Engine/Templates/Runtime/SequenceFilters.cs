using System.Runtime.ExceptionServices;
using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// Jinja2's filters over sequences and mappings. As in Jinja2, map, select, reject, selectattr, rejectattr, unique
/// and items return generators (single-use, no length: pipe them through |list), and the first five treat a false
/// input (None, empty, undefined) as empty.
/// </summary>
internal static class SequenceFilters
{
    public static TemplateValue Length(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("length");
        return IntegerValue.Of(input.Length ?? throw TemplateException.Type($"object of type '{input.TypeName}' has no len()"));
    }

    public static TemplateValue List(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("list");
        return new ListValue(Operators.Iterate(input).ToArray());
    }

    public static TemplateValue First(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("first");
        foreach (var item in Operators.Iterate(input)) return item;
        return UndefinedValue.WithHint("No first item, sequence was empty.");
    }

    public static TemplateValue Last(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("last");
        var reversed = Reversed(input) ?? throw TemplateException.Type($"'{input.TypeName}' object is not reversible");
        return reversed.FirstOrDefault() ?? UndefinedValue.WithHint("No last item, sequence was empty.");
    }

    /// <summary>Python's reversed(): sequences, dicts and their views can be reversed; generators cannot (null).</summary>
    private static IEnumerable<TemplateValue>? Reversed(TemplateValue input) => input switch
    {
        StringValue or SequenceValue or RangeValue or DictValue or DictViewValue or UndefinedValue => input.Iterate()!.Reverse(),
        _ => null,
    };

    public static TemplateValue Reverse(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("reverse");
        if (input is StringValue s) return s.With(string.Concat(CodePoints.Split(s.Value).Reverse()));
        if (Reversed(input) is { } reversed) return new IteratorValue(reversed, input is SequenceValue ? $"{input.TypeName}_reverseiterator" : "reversed");
        var items = input.Iterate() ?? throw new TemplateException(TemplateErrorKind.FilterArgumentError, "argument must be iterable");
        return new ListValue(items.Reverse().ToArray());
    }

    public static TemplateValue Join(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("join", "d", "attribute");
        IEnumerable<TemplateValue> items = Operators.Iterate(input);
        if (slots[1] is { } attribute and not NoneValue) items = items.Select(TemplateFilters.AttributeGetter(attribute));
        return new StringValue(string.Join(slots[0]?.ToStr() ?? "", items.Select(i => i.ToStr())));
    }

    /// <summary>map(attribute='name', default=...) or map('filter', arguments...).</summary>
    public static TemplateValue Map(TemplateValue input, Arguments arguments, RenderContext context)
    {
        Func<TemplateValue, TemplateValue> map;
        if (arguments.Positional.Count == 0)
        {
            var slots = arguments.Bind("map", "attribute", "default");
            if (slots[0] is null) throw new TemplateException(TemplateErrorKind.FilterArgumentError, "map requires a filter argument");
            map = TemplateFilters.AttributeGetter(slots[0]!, slots[1]);
        }
        else
        {
            var filter = TemplateFilters.Require(arguments.Positional[0].ToStr());
            var rest = arguments.Skip(1);
            map = item => filter(item, rest, context);
        }
        return new IteratorValue(Truthy(input).Select(map));
    }

    public static TemplateValue Select(TemplateValue input, Arguments arguments, RenderContext context) =>
        Filtered(input, arguments, context, item => item, accept: true);

    public static TemplateValue Reject(TemplateValue input, Arguments arguments, RenderContext context) =>
        Filtered(input, arguments, context, item => item, accept: false);

    public static TemplateValue SelectAttr(TemplateValue input, Arguments arguments, RenderContext context) =>
        Filtered(input, arguments.Skip(1), context, Attribute(arguments), accept: true);

    public static TemplateValue RejectAttr(TemplateValue input, Arguments arguments, RenderContext context) =>
        Filtered(input, arguments.Skip(1), context, Attribute(arguments), accept: false);

    private static Func<TemplateValue, TemplateValue> Attribute(Arguments arguments) => arguments.Positional.Count > 0
        ? TemplateFilters.AttributeGetter(arguments.Positional[0])
        : throw new TemplateException(TemplateErrorKind.FilterArgumentError, "Missing parameter for attribute name");

    /// <summary>The items whose value (the item or its attribute) passes the named test, or is true without one.</summary>
    private static IteratorValue Filtered(TemplateValue input, Arguments testArguments, RenderContext context, Func<TemplateValue, TemplateValue> value, bool accept)
    {
        Func<TemplateValue, bool> passes;
        if (testArguments.Positional.Count == 0)
        {
            passes = item => item.IsTrue;
        }
        else
        {
            var test = TemplateTests.Require(testArguments.Positional[0].ToStr());
            var rest = testArguments.Skip(1);
            passes = item => test(item, rest, context);
        }
        return new IteratorValue(Truthy(input).Where(item => passes(value(item)) == accept));
    }

    /// <summary>Jinja2's "if value: for item in value": a false input (None, empty, undefined) gives no items.</summary>
    private static IEnumerable<TemplateValue> Truthy(TemplateValue input) => input.IsTrue ? Operators.Iterate(input) : [];

    public static TemplateValue Items(TemplateValue input, Arguments arguments, RenderContext context)
    {
        arguments.Bind("items");
        return input switch
        {
            UndefinedValue => new IteratorValue([]),
            DictValue d => new IteratorValue(d.Pairs.Select(p => (TemplateValue)new TupleValue([p.Key, p.Value]))),
            _ => throw TemplateException.Type("Can only get item pairs from a mapping."),
        };
    }

    public static TemplateValue DictSort(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("dictsort", "case_sensitive", "by", "reverse");
        if (input is UndefinedValue u) throw u.Fail();
        if (input is not DictValue dict) throw new TemplateException(TemplateErrorKind.AttributeError, $"'{input.TypeName}' object has no attribute 'items'");
        int position = (slots[1]?.ToStr() ?? "key") switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new TemplateException(TemplateErrorKind.FilterArgumentError, "You can only sort by either 'key' or 'value'"),
        };
        bool caseSensitive = slots[0]?.IsTrue ?? false;
        var pairs = dict.Pairs.Select(p => (TemplateValue)new TupleValue([p.Key, p.Value]));
        return new ListValue(StableSort(pairs, pair => CaseKey(((TupleValue)pair).Items[position], caseSensitive), slots[2]?.IsTrue ?? false));
    }

    public static TemplateValue Sort(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("sort", "reverse", "case_sensitive", "attribute");
        bool caseSensitive = slots[1]?.IsTrue ?? false;
        var key = Key(slots[2], caseSensitive);
        return new ListValue(StableSort(Operators.Iterate(input), key, slots[0]?.IsTrue ?? false));
    }

    public static TemplateValue Unique(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("unique", "case_sensitive", "attribute");
        var key = Key(slots[1], slots[0]?.IsTrue ?? false);
        return new IteratorValue(UniqueItems(Operators.Iterate(input), key));
    }

    private static IEnumerable<TemplateValue> UniqueItems(IEnumerable<TemplateValue> items, Func<TemplateValue, TemplateValue> key)
    {
        var seen = new HashSet<TemplateValue>(PythonEquality.Comparer);
        foreach (var item in items)
        {
            if (seen.Add(key(item))) yield return item;
        }
    }

    public static TemplateValue Min(TemplateValue input, Arguments arguments, RenderContext context) => Extreme(input, arguments, "min", -1);

    public static TemplateValue Max(TemplateValue input, Arguments arguments, RenderContext context) => Extreme(input, arguments, "max", 1);

    private static TemplateValue Extreme(TemplateValue input, Arguments arguments, string name, int sign)
    {
        var slots = arguments.Bind(name, "case_sensitive", "attribute");
        var key = Key(slots[1], slots[0]?.IsTrue ?? false);
        TemplateValue? best = null, bestKey = null;
        foreach (var item in Operators.Iterate(input))
        {
            var k = key(item);
            if (best is null || Operators.Order(k, bestKey!, sign < 0 ? "<" : ">") * sign > 0) (best, bestKey) = (item, k);
        }
        return best ?? UndefinedValue.WithHint("No aggregated item, sequence was empty.");
    }

    public static TemplateValue Sum(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("sum", "attribute", "start");
        IEnumerable<TemplateValue> items = Operators.Iterate(input);
        if (slots[0] is { } attribute and not NoneValue) items = items.Select(TemplateFilters.AttributeGetter(attribute));
        var total = slots[1] ?? IntegerValue.Of(0);
        foreach (var item in items) total = Operators.Add(total, item);
        return total;
    }

    public static TemplateValue Batch(TemplateValue input, Arguments arguments, RenderContext context)
    {
        var slots = arguments.Bind("batch", "linecount", "fill_with");
        if (slots[0] is null || !Numbers.TryGetIndex(slots[0]!, out long size) || size <= 0)
            throw new TemplateException(TemplateErrorKind.ValueError, "batch: linecount must be a positive integer");
        return new IteratorValue(Batches(Operators.Iterate(input), (int)Math.Min(size, int.MaxValue), slots[1] is NoneValue ? null : slots[1]));
    }

    private static IEnumerable<TemplateValue> Batches(IEnumerable<TemplateValue> items, int size, TemplateValue? fill)
    {
        var batch = new List<TemplateValue>(size);
        foreach (var item in items)
        {
            batch.Add(item);
            if (batch.Count < size) continue;
            yield return new ListValue(batch.ToArray());
            batch.Clear();
        }
        if (batch.Count == 0) yield break;
        while (fill is not null && batch.Count < size) batch.Add(fill);
        yield return new ListValue(batch.ToArray());
    }

    /// <summary>The sort key of sort/unique/min/max: the item or its attribute(s) ("a,b" gives a tuple), lower-cased unless case-sensitive.</summary>
    private static Func<TemplateValue, TemplateValue> Key(TemplateValue? attribute, bool caseSensitive)
    {
        if (attribute is null or NoneValue) return item => CaseKey(item, caseSensitive);
        var getters = (attribute is StringValue s ? s.Value.Split(',').Select(a => (TemplateValue)new StringValue(a)) : [attribute])
            .Select(a => TemplateFilters.AttributeGetter(a)).ToArray();
        if (getters.Length == 1) return item => CaseKey(getters[0](item), caseSensitive);
        return item => new TupleValue(getters.Select(g => CaseKey(g(item), caseSensitive)).ToArray());
    }

    private static TemplateValue CaseKey(TemplateValue value, bool caseSensitive) =>
        !caseSensitive && value is StringValue s ? new StringValue(s.Value.ToLowerInvariant()) : value;

    /// <summary>Python's sorted(): stable, also when reversed; incomparable keys are a TypeError.</summary>
    private static TemplateValue[] StableSort(IEnumerable<TemplateValue> items, Func<TemplateValue, TemplateValue> key, bool reverse)
    {
        var keyed = items.Select((item, index) => (Item: item, Key: key(item), Index: index)).ToArray();
        try
        {
            Array.Sort(keyed, (a, b) =>
            {
                int order = Operators.Order(a.Key, b.Key);
                return order != 0 ? (reverse ? -order : order) : a.Index.CompareTo(b.Index);
            });
        }
        catch (InvalidOperationException e) when (e.InnerException is TemplateException inner)
        {
            ExceptionDispatchInfo.Throw(inner);
        }
        return keyed.Select(k => k.Item).ToArray();
    }
}
