namespace LlamaPS.Engine.Templates.Values;

/// <summary>A Python list.</summary>
internal sealed class ListValue(IReadOnlyList<TemplateValue> items) : SequenceValue(items)
{
    public override string TypeName => "list";
    public override string Repr() => JoinRepr("[", "]");
    public override SequenceValue With(IReadOnlyList<TemplateValue> items) => new ListValue(items);
}
