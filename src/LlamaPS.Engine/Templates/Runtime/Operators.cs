using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>
/// Python's operators on template values, with Python's results and error messages: int and float arithmetic,
/// str/list/tuple concatenation and repetition, Markup escaping on +, ordering, and "in".
/// </summary>
internal static class Operators
{
    public static TemplateValue Add(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (Arithmetic(a, b, (x, y) => checked(x + y), (x, y) => x + y) is { } number) return number;
        switch (a, b)
        {
            // Markup escapes the plain side, whichever side it is on (Markup.__add__ and __radd__).
            case (StringValue { IsMarkup: true } m, StringValue s):
                return new StringValue(m.Value + (s.IsMarkup ? s.Value : PythonString.EscapeHtml(s.Value)), isMarkup: true);
            case (StringValue s, StringValue { IsMarkup: true } m):
                return new StringValue(PythonString.EscapeHtml(s.Value) + m.Value, isMarkup: true);
            case (StringValue { IsMarkup: false } s, StringValue t):
                return new StringValue(s.Value + t.Value);
            case (ListValue s, ListValue t):
                return new ListValue([.. s.Items, .. t.Items]);
            case (TupleValue s, TupleValue t):
                return new TupleValue([.. s.Items, .. t.Items]);
            case (StringValue { IsMarkup: false } or ListValue or TupleValue, _):
                throw TemplateException.Type($"can only concatenate {a.TypeName} (not \"{b.TypeName}\") to {a.TypeName}");
            default:
                throw Unsupported('+', a, b);
        }
    }

    public static TemplateValue Subtract(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        return Arithmetic(a, b, (x, y) => checked(x - y), (x, y) => x - y) ?? throw Unsupported('-', a, b);
    }

    public static TemplateValue Multiply(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (Arithmetic(a, b, (x, y) => checked(x * y), (x, y) => x * y) is { } number) return number;
        if (Numbers.TryGetIndex(a, out long n) && b is StringValue or SequenceValue) return Repeat(b, n);
        if (Numbers.TryGetIndex(b, out n) && a is StringValue or SequenceValue) return Repeat(a, n);
        if (a is StringValue or SequenceValue || b is StringValue or SequenceValue)
            throw TemplateException.Type($"can't multiply sequence by non-int of type '{(a is StringValue or SequenceValue ? b : a).TypeName}'");
        throw Unsupported('*', a, b);
    }

    private static TemplateValue Repeat(TemplateValue sequence, long times)
    {
        int count = (int)Math.Clamp(times, 0, int.MaxValue);
        if (sequence is StringValue s)
        {
            if ((long)s.Value.Length * count > int.MaxValue / 2) throw new TemplateException(TemplateErrorKind.OverflowError, "repeated string is too long");
            return s.With(string.Concat(Enumerable.Repeat(s.Value, count)));
        }
        var items = ((SequenceValue)sequence).Items;
        if ((long)items.Count * count > int.MaxValue / 2) throw new TemplateException(TemplateErrorKind.OverflowError, "repeated sequence is too long");
        return ((SequenceValue)sequence).With(Enumerable.Repeat(items, count).SelectMany(x => x).ToArray());
    }

    public static TemplateValue Divide(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (!Numbers.TryGetDouble(a, out double x) || !Numbers.TryGetDouble(b, out double y)) throw Unsupported('/', a, b);
        if (y == 0) throw DivisionByZero(a is FloatValue || b is FloatValue ? "float division by zero" : "division by zero");
        return new FloatValue(x / y);
    }

    public static TemplateValue FloorDivide(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (Numbers.TryGetIndex(a, out long p) && Numbers.TryGetIndex(b, out long q))
        {
            if (q == 0) throw DivisionByZero("integer division or modulo by zero");
            long quotient = p / q;
            if ((p % q != 0) && ((p < 0) != (q < 0))) quotient--;
            return IntegerValue.Of(quotient);
        }
        if (!Numbers.TryGetDouble(a, out double x) || !Numbers.TryGetDouble(b, out double y)) throw Unsupported("//", a, b);
        if (y == 0) throw DivisionByZero("float floor division by zero");
        return new FloatValue(FloatFloorDivide(x, y));
    }

    /// <summary>
    /// Python's float //: the quotient of x minus its remainder, so that 1.0 // 0.1 is 9.0 (0.1 is a little more than a
    /// tenth), where Math.Floor(1.0 / 0.1) would round up to 10 first.
    /// </summary>
    private static double FloatFloorDivide(double x, double y)
    {
        double remainder = x % y;
        double quotient = (x - remainder) / y;
        if (remainder != 0 && (y < 0) != (remainder < 0)) quotient -= 1;
        if (quotient == 0) return Math.CopySign(0, x / y);
        double floor = Math.Floor(quotient);
        return quotient - floor > 0.5 ? floor + 1 : floor;
    }

    public static TemplateValue Modulo(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (a is StringValue format) return new StringValue(PythonPercentFormat.Format(format.Value, b));
        if (Numbers.TryGetIndex(a, out long p) && Numbers.TryGetIndex(b, out long q))
        {
            if (q == 0) throw DivisionByZero("integer modulo by zero");
            long r = p % q;
            if (r != 0 && (r < 0) != (q < 0)) r += q;
            return IntegerValue.Of(r);
        }
        if (!Numbers.TryGetDouble(a, out double x) || !Numbers.TryGetDouble(b, out double y)) throw Unsupported('%', a, b);
        if (y == 0) throw DivisionByZero("float modulo");
        double m = x % y;
        if (m != 0 && (m < 0) != (y < 0)) m += y;
        return new FloatValue(m);
    }

    public static TemplateValue Power(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (Numbers.TryGetIndex(a, out long p) && Numbers.TryGetIndex(b, out long q) && q >= 0)
        {
            long result = 1;
            try
            {
                for (long i = 0; i < q; i++) result = checked(result * p);
            }
            catch (OverflowException)
            {
                throw new TemplateException(TemplateErrorKind.OverflowError, "integer result too large for this renderer (64 bits)");
            }
            return IntegerValue.Of(result);
        }
        if (!Numbers.TryGetDouble(a, out double x) || !Numbers.TryGetDouble(b, out double y)) throw Unsupported("** or pow()", a, b);
        if (x == 0 && y < 0) throw DivisionByZero("0.0 cannot be raised to a negative power");
        return new FloatValue(Math.Pow(x, y));
    }

    /// <summary>The ~ operator: both sides as strings (undefined as ""), joined into a plain string.</summary>
    public static TemplateValue Concat(TemplateValue a, TemplateValue b) => new StringValue(a.ToStr() + b.ToStr());

    public static TemplateValue Negate(TemplateValue a) => a switch
    {
        UndefinedValue u => throw u.Fail(),
        FloatValue f => new FloatValue(-f.Value),
        _ when Numbers.TryGetIndex(a, out long n) => IntegerValue.Of(n == long.MinValue ? throw Overflow() : -n),
        _ => throw TemplateException.Type($"bad operand type for unary -: '{a.TypeName}'"),
    };

    public static TemplateValue Plus(TemplateValue a) => a switch
    {
        UndefinedValue u => throw u.Fail(),
        FloatValue => a,
        _ when Numbers.TryGetIndex(a, out long n) => IntegerValue.Of(n),
        _ => throw TemplateException.Type($"bad operand type for unary +: '{a.TypeName}'"),
    };

    /// <summary>==, !=, &lt;, &lt;=, &gt;, &gt;= with Python's rules (ordering needs comparable types).</summary>
    public static bool Compare(string op, TemplateValue a, TemplateValue b)
    {
        switch (op)
        {
            case "==": return PythonEquality.AreEqual(a, b);
            case "!=": return !PythonEquality.AreEqual(a, b);
        }
        FailIfUndefined(a, b);
        int order = Order(a, b, op);
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a comparison operator."),
        };
    }

    /// <summary>The order of two values of comparable types, as Python's &lt; sees it; a TypeError otherwise.</summary>
    public static int Order(TemplateValue a, TemplateValue b, string op = "<")
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.TryGetIndex(a, out long x) && Numbers.TryGetIndex(b, out long y)) return x.CompareTo(y);
            Numbers.TryGetDouble(a, out double p);
            Numbers.TryGetDouble(b, out double q);
            return p.CompareTo(q);
        }
        switch (a, b)
        {
            case (StringValue s, StringValue t):
                return CodePoints.Compare(s.Value, t.Value);
            case (ListValue s, ListValue t):
                return OrderItems(s.Items, t.Items, op);
            case (TupleValue s, TupleValue t):
                return OrderItems(s.Items, t.Items, op);
            default:
                throw TemplateException.Type($"'{op}' not supported between instances of '{a.TypeName}' and '{b.TypeName}'");
        }
    }

    private static int OrderItems(IReadOnlyList<TemplateValue> a, IReadOnlyList<TemplateValue> b, string op)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            if (!PythonEquality.AreEqual(a[i], b[i])) return Order(a[i], b[i], op);
        }
        return a.Count.CompareTo(b.Count);
    }

    /// <summary>Python's "item in container".</summary>
    public static bool Contains(TemplateValue container, TemplateValue item)
    {
        switch (container)
        {
            case UndefinedValue:
                return false;
            case StringValue s:
                if (item is not StringValue t) throw TemplateException.Type($"'in <string>' requires string as left operand, not {item.TypeName}");
                return s.Value.Contains(t.Value, StringComparison.Ordinal);
            case DictValue d:
                if (!PythonEquality.IsHashable(item)) throw TemplateException.Type($"unhashable type: '{item.TypeName}'");
                return d.ContainsKey(item);
        }
        var items = container.Iterate() ?? throw TemplateException.Type($"argument of type '{container.TypeName}' is not iterable");
        foreach (var candidate in items)
        {
            if (ReferenceEquals(candidate, item) || PythonEquality.AreEqual(candidate, item)) return true;
        }
        return false;
    }

    /// <summary>The items of a value a template loops over; a TypeError for values that cannot be iterated (None).</summary>
    public static IEnumerable<TemplateValue> Iterate(TemplateValue value) =>
        value.Iterate() ?? throw TemplateException.Type($"'{value.TypeName}' object is not iterable");

    private static TemplateValue? Arithmetic(TemplateValue a, TemplateValue b, Func<long, long, long> integer, Func<double, double, double> real)
    {
        if (Numbers.TryGetIndex(a, out long x) && Numbers.TryGetIndex(b, out long y))
        {
            try
            {
                return IntegerValue.Of(integer(x, y));
            }
            catch (OverflowException)
            {
                throw Overflow();
            }
        }
        if (Numbers.TryGetDouble(a, out double p) && Numbers.TryGetDouble(b, out double q)) return new FloatValue(real(p, q));
        return null;
    }

    private static void FailIfUndefined(TemplateValue a, TemplateValue b)
    {
        if (a is UndefinedValue u) throw u.Fail();
        if (b is UndefinedValue v) throw v.Fail();
    }

    private static TemplateException Unsupported(object op, TemplateValue a, TemplateValue b) =>
        TemplateException.Type($"unsupported operand type(s) for {op}: '{a.TypeName}' and '{b.TypeName}'");

    private static TemplateException DivisionByZero(string message) => new(TemplateErrorKind.ZeroDivisionError, message);

    private static TemplateException Overflow() =>
        new(TemplateErrorKind.OverflowError, "integer result too large for this renderer (64 bits)");
}
