using System.Collections.Frozen;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>The tests of "x is name" (and of select/reject), as Jinja2 3.1 defines them.</summary>
internal static class TemplateTests
{
    private static readonly FrozenDictionary<string, TemplateTest> Tests = new Dictionary<string, TemplateTest>
    {
        ["defined"] = (v, a, _) => None(a, "defined", v is not UndefinedValue),
        ["undefined"] = (v, a, _) => None(a, "undefined", v is UndefinedValue),
        ["none"] = (v, a, _) => None(a, "none", v is NoneValue),
        ["boolean"] = (v, a, _) => None(a, "boolean", v is BooleanValue),
        ["true"] = (v, a, _) => None(a, "true", v is BooleanValue { Value: true }),
        ["false"] = (v, a, _) => None(a, "false", v is BooleanValue { Value: false }),
        ["integer"] = (v, a, _) => None(a, "integer", v is IntegerValue),
        ["float"] = (v, a, _) => None(a, "float", v is FloatValue),
        ["number"] = (v, a, _) => None(a, "number", Numbers.IsNumber(v)),
        ["string"] = (v, a, _) => None(a, "string", v is StringValue),
        ["mapping"] = (v, a, _) => None(a, "mapping", v.IsMapping),
        ["sequence"] = (v, a, _) => None(a, "sequence", v.IsSequence),
        ["iterable"] = (v, a, _) => None(a, "iterable", v.Iterate() is not null),
        // Jinja2's Undefined is callable (calling it fails), so the test says yes.
        ["callable"] = (v, a, _) => None(a, "callable", v.IsCallable || v is UndefinedValue),
        ["escaped"] = (v, a, _) => None(a, "escaped", v is StringValue { IsMarkup: true }),
        ["lower"] = (v, a, _) => None(a, "lower", v.ToStr() is var s && s.Any(char.IsLower) && !s.Any(char.IsUpper)),
        ["upper"] = (v, a, _) => None(a, "upper", v.ToStr() is var s && s.Any(char.IsUpper) && !s.Any(char.IsLower)),
        ["odd"] = (v, a, _) => None(a, "odd", Remainder(v, IntegerValue.Of(2), 1)),
        ["even"] = (v, a, _) => None(a, "even", Remainder(v, IntegerValue.Of(2), 0)),
        ["divisibleby"] = (v, a, _) => Remainder(v, One(a, "divisibleby"), 0),
        ["sameas"] = (v, a, _) => SameAs(v, One(a, "sameas")),
        ["in"] = (v, a, _) => Operators.Contains(One(a, "in"), v),
        ["filter"] = (v, a, _) => None(a, "filter", v is StringValue s && TemplateFilters.Find(s.Value) is not null),
        ["test"] = (v, a, _) => None(a, "test", v is StringValue s && Find(s.Value) is not null),
        ["eq"] = Comparison("=="),
        ["equalto"] = Comparison("=="),
        ["=="] = Comparison("=="),
        ["ne"] = Comparison("!="),
        ["!="] = Comparison("!="),
        ["lt"] = Comparison("<"),
        ["lessthan"] = Comparison("<"),
        ["<"] = Comparison("<"),
        ["le"] = Comparison("<="),
        ["<="] = Comparison("<="),
        ["gt"] = Comparison(">"),
        ["greaterthan"] = Comparison(">"),
        [">"] = Comparison(">"),
        ["ge"] = Comparison(">="),
        [">="] = Comparison(">="),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static TemplateTest? Find(string name) => Tests.GetValueOrDefault(name);

    /// <summary>A test named at render time (select('odd')); unknown names are an error, as in Jinja2.</summary>
    public static TemplateTest Require(string name) =>
        Find(name) ?? throw new TemplateException(TemplateErrorKind.TemplateRuntimeError, $"No test named '{name}'.");

    private static bool None(Arguments arguments, string test, bool result)
    {
        arguments.Bind(test);
        return result;
    }

    private static TemplateValue One(Arguments arguments, string test) =>
        arguments.Bind(test, "other")[0] ?? throw TemplateException.Type($"test '{test}' takes one argument (0 given)");

    private static TemplateTest Comparison(string op) => (v, a, _) => Operators.Compare(op, v, One(a, op));

    private static bool Remainder(TemplateValue value, TemplateValue divisor, long expected) =>
        PythonEquality.AreEqual(Operators.Modulo(value, divisor), IntegerValue.Of(expected));

    /// <summary>Python's "is": identity, which for None, booleans and small integers is equality of value.</summary>
    private static bool SameAs(TemplateValue a, TemplateValue b) => (a, b) switch
    {
        (NoneValue, NoneValue) => true,
        (BooleanValue x, BooleanValue y) => x.Value == y.Value,
        // CPython keeps one object for each integer from -5 to 256.
        (IntegerValue x, IntegerValue y) => x.Value == y.Value && x.Value is >= -5 and <= 256,
        _ => ReferenceEquals(a, b),
    };
}
