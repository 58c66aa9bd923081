namespace LlamaPS.Engine.Templates.Values;

/// <summary>What dict.items(), keys() and values() return: iterable, with a length, but not indexable.</summary>
internal sealed class DictViewValue(string typeName, IReadOnlyList<TemplateValue> items) : TemplateValue
{
    public IReadOnlyList<TemplateValue> Items { get; } = items;

    public override string TypeName { get; } = typeName;
    public override bool IsTrue => Items.Count > 0;
    public override int? Length => Items.Count;
    public override IEnumerable<TemplateValue> Iterate() => Items;
    public override string Repr() => $"{TypeName}({new ListValue(Items).Repr()})";
}
