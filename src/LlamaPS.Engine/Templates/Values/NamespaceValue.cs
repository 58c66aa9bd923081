using System.Text;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// What namespace(...) makes: the one object whose attributes a template may assign ({% set ns.x = 1 %}), which is
/// how templates carry values out of a loop.
/// </summary>
internal sealed class NamespaceValue : TemplateValue
{
    private readonly Dictionary<string, TemplateValue> _attributes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public override string TypeName => "Namespace";
    internal override string ObjectDescription => "jinja2.utils.Namespace object";

    public void Set(string name, TemplateValue value)
    {
        if (!_attributes.ContainsKey(name)) _order.Add(name);
        _attributes[name] = value;
    }

    public override string Repr()
    {
        var sb = new StringBuilder("<Namespace {");
        for (int i = 0; i < _order.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Python.PythonString.Repr(_order[i])).Append(": ").Append(_attributes[_order[i]].Repr());
        }
        return sb.Append("}>").ToString();
    }

    protected internal override TemplateValue? FindAttribute(string name) => _attributes.GetValueOrDefault(name);
}
