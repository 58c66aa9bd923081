namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A Python generator or iterator, which several filters return (map, select, unique, items, ...): it has no length,
/// cannot be serialized, and yields its items only once. Piping it through |list makes a list.
/// </summary>
internal sealed class IteratorValue(IEnumerable<TemplateValue> source, string typeName = "generator") : TemplateValue
{
    private IEnumerator<TemplateValue>? _items = source.GetEnumerator();

    public override string TypeName { get; } = typeName;
    public override string Repr() => $"<{TypeName} object>";

    public override IEnumerable<TemplateValue> Iterate()
    {
        while (_items is not null)
        {
            if (!_items.MoveNext())
            {
                _items.Dispose();
                _items = null;
                yield break;
            }
            yield return _items.Current;
        }
    }
}
