using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>The loop variable of a for loop: loop.index, first, last, length, previtem, nextitem, cycle(), changed().</summary>
internal sealed class LoopValue(IReadOnlyList<TemplateValue> items) : TemplateValue
{
    private TemplateValue? _lastChanged;

    /// <summary>The 0-based position of the current item; the loop advances it.</summary>
    public int Index0 { get; set; }

    public int Count => items.Count;

    public override string TypeName => "LoopContext";
    internal override string ObjectDescription => "jinja2.runtime.LoopContext object";
    public override string Repr() => $"<LoopContext {Index0 + 1}/{Count}>";

    protected internal override TemplateValue? FindAttribute(string name) => name switch
    {
        "index" => IntegerValue.Of(Index0 + 1),
        "index0" => IntegerValue.Of(Index0),
        "revindex" => IntegerValue.Of(Count - Index0),
        "revindex0" => IntegerValue.Of(Count - Index0 - 1),
        "first" => BooleanValue.Of(Index0 == 0),
        "last" => BooleanValue.Of(Index0 == Count - 1),
        "length" => IntegerValue.Of(Count),
        "depth" => IntegerValue.Of(1),
        "depth0" => IntegerValue.Of(0),
        "previtem" => Index0 > 0 ? items[Index0 - 1] : UndefinedValue.WithHint("there is no previous item"),
        "nextitem" => Index0 + 1 < Count ? items[Index0 + 1] : UndefinedValue.WithHint("there is no next item"),
        "cycle" => new FunctionValue("cycle", (a, _) => a.Positional.Count == 0
            ? throw TemplateException.Type("no items for cycling given")
            : a.Positional[Index0 % a.Positional.Count]),
        "changed" => new FunctionValue("changed", (a, _) => Changed(new TupleValue(a.Positional))),
        _ => null,
    };

    /// <summary>loop.changed(*values): true on the first call and whenever the values differ from the previous call's.</summary>
    private BooleanValue Changed(TemplateValue values)
    {
        if (_lastChanged is not null && PythonEquality.AreEqual(_lastChanged, values)) return BooleanValue.False;
        _lastChanged = values;
        return BooleanValue.True;
    }
}
