namespace LlamaPS.Engine.Templates.Values;

/// <summary>Python's True and False, which are also the integers 1 and 0 in arithmetic and comparisons.</summary>
internal sealed class BooleanValue : TemplateValue
{
    public static readonly BooleanValue True = new(true);
    public static readonly BooleanValue False = new(false);

    private BooleanValue(bool value) => Value = value;

    public bool Value { get; }

    public static BooleanValue Of(bool value) => value ? True : False;

    public override string TypeName => "bool";
    public override bool IsTrue => Value;
    public override string Repr() => Value ? "True" : "False";
}
