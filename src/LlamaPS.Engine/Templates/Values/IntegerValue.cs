using System.Globalization;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>A Python int, held in 64 bits; arithmetic that would leave that range fails instead of wrapping.</summary>
internal sealed class IntegerValue(long value) : TemplateValue
{
    private static readonly IntegerValue[] Small = Enumerable.Range(-8, 264).Select(i => new IntegerValue(i)).ToArray();

    public long Value { get; } = value;

    public static IntegerValue Of(long value) => value is >= -8 and < 256 ? Small[value + 8] : new IntegerValue(value);

    public override string TypeName => "int";
    public override bool IsTrue => Value != 0;
    public override string Repr() => Value.ToString(CultureInfo.InvariantCulture);
}
