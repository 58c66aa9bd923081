using System.Text;
using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A Python dict: keys in insertion order (the order a template sees when it iterates or serializes it), looked up
/// with Python's equality (1 == 1.0 == True). Fixed once made, as the immutable sandbox allows no changes.
/// </summary>
internal sealed class DictValue : TemplateValue
{
    private readonly List<TemplateValue> _keys = [];
    private readonly List<TemplateValue> _values = [];
    private readonly Dictionary<TemplateValue, int> _index = new(PythonEquality.Comparer);

    /// <summary>Builds the dict from pairs in order; a repeated key keeps its first position and takes the last value.</summary>
    public DictValue(IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> pairs)
    {
        foreach (var (key, value) in pairs)
        {
            if (_index.TryGetValue(key, out int at))
            {
                _values[at] = value;
                continue;
            }
            _index.Add(key, _keys.Count);
            _keys.Add(key);
            _values.Add(value);
        }
    }

    public IReadOnlyList<TemplateValue> Keys => _keys;
    public IReadOnlyList<TemplateValue> Values => _values;
    public int Count => _keys.Count;

    public IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> Pairs => _keys.Select((k, i) => KeyValuePair.Create(k, _values[i]));

    /// <summary>The value under <paramref name="key"/>, or null; unhashable keys are never present.</summary>
    public TemplateValue? Get(TemplateValue key) =>
        PythonEquality.IsHashable(key) && _index.TryGetValue(key, out int at) ? _values[at] : null;

    public bool ContainsKey(TemplateValue key) => Get(key) is not null;

    public override string TypeName => "dict";
    public override bool IsTrue => Count > 0;
    public override int? Length => Count;
    public override bool IsMapping => true;
    // A dict has len() and [] too, so Jinja2's sequence test accepts it.
    public override bool IsSequence => true;
    public override IEnumerable<TemplateValue> Iterate() => _keys;

    public override string Repr()
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < _keys.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(_keys[i].Repr()).Append(": ").Append(_values[i].Repr());
        }
        return sb.Append('}').ToString();
    }

    protected internal override TemplateValue? FindItem(TemplateValue key) => Get(key);

    protected internal override TemplateValue? FindAttribute(string name) => DictMethods.Bind(this, name);
}
