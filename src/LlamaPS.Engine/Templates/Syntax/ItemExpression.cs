using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>
/// x[key]: the item, else (for a string key) the attribute, else undefined. x[start:stop:step] is Python's own
/// subscription, as Jinja2 compiles slices: a value that cannot be sliced is a TypeError, not undefined.
/// </summary>
internal sealed class ItemExpression(Expression target, Expression key, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var value = target.Evaluate(context);
        var index = key.Evaluate(context);
        if (index is not SliceValue slice) return value.GetItem(index);
        return value switch
        {
            UndefinedValue u => throw u.Fail(),
            // Python 3.11's dict cannot hash a slice to look it up.
            DictValue => throw TemplateException.Type("unhashable type: 'slice'"),
            _ => value.FindItem(slice) ?? throw TemplateException.Type(value.IsSequence
                ? "slice indices must be integers or None or have an __index__ method"
                : $"'{value.TypeName}' object is not subscriptable"),
        };
    }
}
