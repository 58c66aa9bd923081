using System.Runtime.CompilerServices;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// Python's == and hash() for template values: numbers compare by value across bool/int/float, strings by text,
/// lists and tuples item by item (a list never equals a tuple), dicts by their pairs, other objects by identity.
/// </summary>
internal static class PythonEquality
{
    public static readonly IEqualityComparer<TemplateValue> Comparer = new PythonComparer();

    public static bool AreEqual(TemplateValue a, TemplateValue b)
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.TryGetIndex(a, out long x) && Numbers.TryGetIndex(b, out long y)) return x == y;
            Numbers.TryGetDouble(a, out double p);
            Numbers.TryGetDouble(b, out double q);
            return p == q;
        }
        if (ReferenceEquals(a, b)) return true;
        return (a, b) switch
        {
            (StringValue s, StringValue t) => string.Equals(s.Value, t.Value, StringComparison.Ordinal),
            (NoneValue, NoneValue) => true,
            (UndefinedValue, UndefinedValue) => true,
            (ListValue s, ListValue t) => ItemsEqual(s.Items, t.Items),
            (TupleValue s, TupleValue t) => ItemsEqual(s.Items, t.Items),
            (RangeValue s, RangeValue t) => ItemsEqual(s.Iterate().ToList(), t.Iterate().ToList()),
            (DictValue s, DictValue t) => DictsEqual(s, t),
            _ => false,
        };
    }

    private static bool ItemsEqual(IReadOnlyList<TemplateValue> a, IReadOnlyList<TemplateValue> b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]) && !AreEqual(a[i], b[i])) return false;
        }
        return true;
    }

    private static bool DictsEqual(DictValue a, DictValue b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a.Pairs)
        {
            if (b.Get(key) is not { } other || !AreEqual(value, other)) return false;
        }
        return true;
    }

    /// <summary>Whether Python could use the value as a dict key (lists, dicts and namespaces cannot be).</summary>
    public static bool IsHashable(TemplateValue v) => v switch
    {
        ListValue or DictValue or NamespaceValue or DictViewValue => false,
        TupleValue t => t.Items.All(IsHashable),
        _ => true,
    };

    public static int Hash(TemplateValue v)
    {
        switch (v)
        {
            case IntegerValue or BooleanValue:
                Numbers.TryGetIndex(v, out long i);
                return i.GetHashCode();
            case FloatValue f:
                // Equal numbers must hash alike: 2.0 as 2.
                return f.Value == Math.Floor(f.Value) && Math.Abs(f.Value) < 9.2e18 ? ((long)f.Value).GetHashCode() : f.Value.GetHashCode();
            case StringValue s:
                return s.Value.GetHashCode();
            case NoneValue or UndefinedValue:
                return v.GetType().GetHashCode();
            case TupleValue t:
                var hash = new HashCode();
                foreach (var item in t.Items) hash.Add(Hash(item));
                return hash.ToHashCode();
            case ListValue or DictValue or NamespaceValue or DictViewValue:
                throw TemplateException.Type($"unhashable type: '{v.TypeName}'");
            default:
                return RuntimeHelpers.GetHashCode(v);
        }
    }

    private sealed class PythonComparer : IEqualityComparer<TemplateValue>
    {
        public bool Equals(TemplateValue? x, TemplateValue? y) => x is not null && y is not null && AreEqual(x, y);

        public int GetHashCode(TemplateValue obj) => Hash(obj);
    }
}
