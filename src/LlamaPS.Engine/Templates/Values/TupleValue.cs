namespace LlamaPS.Engine.Templates.Values;

/// <summary>A Python tuple: (a, b) in a template, and the (key, value) pairs of items().</summary>
internal sealed class TupleValue(IReadOnlyList<TemplateValue> items) : SequenceValue(items)
{
    public override string TypeName => "tuple";
    public override string Repr() => Items.Count == 1 ? $"({Items[0].Repr()},)" : JoinRepr("(", ")");
    public override SequenceValue With(IReadOnlyList<TemplateValue> items) => new TupleValue(items);
}
