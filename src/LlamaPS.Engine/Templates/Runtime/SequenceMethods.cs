using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>The methods of Python's list and tuple that a template may call; the ones that change a list are refused.</summary>
internal static class SequenceMethods
{
    private static readonly HashSet<string> Mutating = new(StringComparer.Ordinal)
    {
        "append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort",
    };

    public static TemplateValue? Bind(SequenceValue sequence, string name)
    {
        switch (name)
        {
            case "count":
                return new FunctionValue(name, (a, _) =>
                {
                    var item = a.Bind(name, "value")[0] ?? throw TemplateException.Type("count() takes exactly one argument (0 given)");
                    return IntegerValue.Of(sequence.Items.Count(x => PythonEquality.AreEqual(x, item)));
                });
            case "index":
                return new FunctionValue(name, (a, _) =>
                {
                    var slots = a.Bind(name, "value", "start", "stop");
                    var item = slots[0] ?? throw TemplateException.Type("index expected at least 1 argument, got 0");
                    var window = new SliceValue(slots[1] ?? NoneValue.Instance, slots[2] ?? NoneValue.Instance, NoneValue.Instance);
                    foreach (int i in window.Indexes(sequence.Items.Count) ?? throw TemplateException.Type("slice indices must be integers"))
                    {
                        if (PythonEquality.AreEqual(sequence.Items[i], item)) return IntegerValue.Of(i);
                    }
                    throw new TemplateException(TemplateErrorKind.ValueError, $"{item.Repr()} is not in {sequence.TypeName}");
                });
            case "copy" when sequence is ListValue:
                return new FunctionValue(name, (a, _) =>
                {
                    a.Bind(name);
                    return new ListValue(sequence.Items.ToArray());
                });
        }
        return sequence is ListValue && Mutating.Contains(name) ? UndefinedValue.Unsafe(sequence, name) : null;
    }
}
