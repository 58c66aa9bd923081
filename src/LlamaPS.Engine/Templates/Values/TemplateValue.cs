using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A value inside a template, with the behaviour of the Python object Jinja2 would hold: its str() and repr(), truth,
/// iteration and len(), attribute and item lookup (Jinja2 tries a Python attribute, then an item, and otherwise gives
/// an undefined value that fails only when used), and calls.
/// </summary>
internal abstract class TemplateValue
{
    /// <summary>Python's name for the type, as error messages show it: str, int, NoneType, dict, generator, ...</summary>
    public abstract string TypeName { get; }

    /// <summary>How Jinja2 names the object in "'dict object' has no attribute 'x'".</summary>
    internal virtual string ObjectDescription => TypeName + " object";

    /// <summary>Python truth (bool(x)).</summary>
    public virtual bool IsTrue => true;

    /// <summary>Python's str(x): what {{ x }} prints.</summary>
    public virtual string ToStr() => Repr();

    /// <summary>Python's repr(x): how the value shows inside a printed list or dict.</summary>
    public abstract string Repr();

    /// <summary>The items of iter(x); null when the value is not iterable. Generators yield their items only once.</summary>
    public virtual IEnumerable<TemplateValue>? Iterate() => null;

    /// <summary>len(x); null when the type has no length.</summary>
    public virtual int? Length => null;

    /// <summary>Whether the value has a length and items by index (Jinja2's "sequence" test).</summary>
    public virtual bool IsSequence => false;

    /// <summary>Whether the value is a dict (Jinja2's "mapping" test).</summary>
    public virtual bool IsMapping => false;

    public virtual bool IsCallable => false;

    /// <summary>A Python attribute of the value (a method, a property), or null when it has none of that name.</summary>
    protected internal virtual TemplateValue? FindAttribute(string name) => null;

    /// <summary>value[key], or null when Python's subscription would fail (missing key, bad index, wrong type).</summary>
    protected internal virtual TemplateValue? FindItem(TemplateValue key) => null;

    /// <summary>x.name as Jinja2 reads it: the Python attribute, else the item x['name'], else undefined.</summary>
    public virtual TemplateValue GetAttribute(string name) =>
        FindAttribute(name) ?? FindItem(new StringValue(name)) ?? UndefinedValue.Missing(this, new StringValue(name));

    /// <summary>x[key] as Jinja2 reads it: the item, else (for a string key) the attribute, else undefined.</summary>
    public virtual TemplateValue GetItem(TemplateValue key) =>
        FindItem(key) ?? (key is StringValue s ? FindAttribute(s.Value) : null) ?? UndefinedValue.Missing(this, key);

    public virtual TemplateValue Call(Arguments arguments, RenderContext context) =>
        throw TemplateException.Type($"'{TypeName}' object is not callable");

    public override string ToString() => ToStr();

    /// <summary>Converts a .NET value (string, number, bool, null, dictionary, list, JSON element) to a template value.</summary>
    public static TemplateValue From(object? value) => ValueConverter.Convert(value);
}
