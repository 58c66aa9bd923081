namespace LlamaPS.Engine.Templates.Values;

/// <summary>The slice object of x[start:stop:step]; each part may be None. Resolves against a length as Python does.</summary>
internal sealed class SliceValue(TemplateValue start, TemplateValue stop, TemplateValue step) : TemplateValue
{
    public override string TypeName => "slice";
    public override string Repr() => $"slice({start.Repr()}, {stop.Repr()}, {step.Repr()})";

    /// <summary>
    /// Python's slice.indices(length): clamped start and stop and the step. False when a part is not an integer or
    /// None (Python's TypeError, which Jinja2 turns into an undefined value).
    /// </summary>
    public bool TryResolve(int length, out int first, out int end, out int stride)
    {
        first = end = 0;
        stride = 1;
        if (!TryPart(step, out long? s) || !TryPart(start, out long? a) || !TryPart(stop, out long? b)) return false;
        if (s == 0) throw new TemplateException(TemplateErrorKind.ValueError, "slice step cannot be zero");
        long st = s ?? 1;
        long lower = st > 0 ? 0 : -1, upper = st > 0 ? length : length - 1;
        long Clamp(long? v, long fallback)
        {
            if (v is null) return fallback;
            long x = v.Value < 0 ? v.Value + length : v.Value;
            return Math.Clamp(x, lower, upper);
        }
        first = (int)Clamp(a, st > 0 ? lower : upper);
        end = (int)Clamp(b, st > 0 ? upper : lower);
        stride = (int)Math.Clamp(st, int.MinValue + 1, int.MaxValue);
        return true;
    }

    /// <summary>The indexes the slice selects from a sequence of <paramref name="length"/>; null for bad slice parts.</summary>
    public List<int>? Indexes(int length)
    {
        if (!TryResolve(length, out int first, out int end, out int stride)) return null;
        var indexes = new List<int>();
        for (long i = first; stride > 0 ? i < end : i > end; i += stride) indexes.Add((int)i);
        return indexes;
    }

    private static bool TryPart(TemplateValue v, out long? value)
    {
        value = null;
        if (v is NoneValue) return true;
        if (!Numbers.TryGetIndex(v, out long x)) return false;
        value = x;
        return true;
    }
}
