using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>What range() returns: a lazy sequence of integers.</summary>
internal sealed class RangeValue : TemplateValue
{
    private readonly long _start, _stop, _step;

    public RangeValue(long start, long stop, long step)
    {
        if (step == 0) throw new TemplateException(TemplateErrorKind.ValueError, "range() arg 3 must not be zero");
        (_start, _stop, _step) = (start, stop, step);
        long span = step > 0 ? stop - start : start - stop;
        long stride = Math.Abs(step);
        Count = span <= 0 ? 0 : (int)((span + stride - 1) / stride);
    }

    public int Count { get; }

    private TemplateValue At(int i) => IntegerValue.Of(_start + i * _step);

    public override string TypeName => "range";
    public override bool IsTrue => Count > 0;
    public override int? Length => Count;
    public override bool IsSequence => true;
    public override string Repr() => _step == 1 ? $"range({_start}, {_stop})" : $"range({_start}, {_stop}, {_step})";

    public override IEnumerable<TemplateValue> Iterate()
    {
        for (int i = 0; i < Count; i++) yield return At(i);
    }

    /// <summary>A range's methods, count and index, are a tuple's.</summary>
    protected internal override TemplateValue? FindAttribute(string name) => SequenceMethods.Bind(new TupleValue(Iterate().ToArray()), name);

    protected internal override TemplateValue? FindItem(TemplateValue key)
    {
        if (key is SliceValue slice)
        {
            if (!slice.TryResolve(Count, out int first, out int end, out int stride)) return null;
            return new RangeValue(_start + first * _step, _start + end * _step, _step * stride);
        }
        if (!Numbers.TryGetIndex(key, out long index)) return null;
        if (index < 0) index += Count;
        return index >= 0 && index < Count ? At((int)index) : null;
    }
}
