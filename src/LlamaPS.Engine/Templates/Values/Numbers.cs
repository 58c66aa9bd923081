namespace LlamaPS.Engine.Templates.Values;

/// <summary>Python's numeric tower as templates see it: bool is an int, int and float mix.</summary>
internal static class Numbers
{
    /// <summary>An int or bool as an integer (what Python accepts as an index).</summary>
    public static bool TryGetIndex(TemplateValue v, out long value)
    {
        switch (v)
        {
            case IntegerValue i: value = i.Value; return true;
            case BooleanValue b: value = b.Value ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }

    public static bool IsNumber(TemplateValue v) => v is IntegerValue or BooleanValue or FloatValue;

    /// <summary>Any number as a double.</summary>
    public static bool TryGetDouble(TemplateValue v, out double value)
    {
        switch (v)
        {
            case FloatValue f: value = f.Value; return true;
            case IntegerValue i: value = i.Value; return true;
            case BooleanValue b: value = b.Value ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }
}
