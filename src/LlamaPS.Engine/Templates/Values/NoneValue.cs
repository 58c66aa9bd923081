namespace LlamaPS.Engine.Templates.Values;

/// <summary>Python's None (Jinja2's none): false, prints as "None".</summary>
internal sealed class NoneValue : TemplateValue
{
    public static readonly NoneValue Instance = new();

    private NoneValue()
    {
    }

    public override string TypeName => "NoneType";
    internal override string ObjectDescription => "None";
    public override bool IsTrue => false;
    public override string Repr() => "None";
}
