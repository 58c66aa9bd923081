using System.Text;
using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A Python list or tuple. Templates cannot change one (Hugging Face renders in an immutable sandbox), so the items
/// are fixed when it is made.
/// </summary>
internal abstract class SequenceValue(IReadOnlyList<TemplateValue> items) : TemplateValue
{
    public IReadOnlyList<TemplateValue> Items { get; } = items;

    public override bool IsTrue => Items.Count > 0;
    public override int? Length => Items.Count;
    public override bool IsSequence => true;
    public override IEnumerable<TemplateValue> Iterate() => Items;

    /// <summary>A sequence of the same type (list or tuple) holding <paramref name="items"/>.</summary>
    public abstract SequenceValue With(IReadOnlyList<TemplateValue> items);

    protected string JoinRepr(string open, string close)
    {
        var sb = new StringBuilder(open);
        for (int i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Items[i].Repr());
        }
        return sb.Append(close).ToString();
    }

    protected internal override TemplateValue? FindItem(TemplateValue key)
    {
        if (key is SliceValue slice)
        {
            var indexes = slice.Indexes(Items.Count);
            return indexes is null ? null : With(indexes.Select(i => Items[i]).ToArray());
        }
        if (!Numbers.TryGetIndex(key, out long index)) return null;
        if (index < 0) index += Items.Count;
        return index >= 0 && index < Items.Count ? Items[(int)index] : null;
    }

    protected internal override TemplateValue? FindAttribute(string name) => SequenceMethods.Bind(this, name);
}
