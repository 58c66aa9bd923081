using LlamaPS.Engine.Templates.Python;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>A Python float, printed the way Python prints it (1.0, 0.5, 1e+16).</summary>
internal sealed class FloatValue(double value) : TemplateValue
{
    public double Value { get; } = value;

    public override string TypeName => "float";
    public override bool IsTrue => Value != 0;
    public override string Repr() => PythonFloat.Repr(Value);
}
