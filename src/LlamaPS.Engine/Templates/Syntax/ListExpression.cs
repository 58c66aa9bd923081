using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>A list literal [a, b] or, with <c>tuple</c>, a tuple (a, b).</summary>
internal sealed class ListExpression(IReadOnlyList<Expression> items, bool tuple, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var values = new TemplateValue[items.Count];
        for (int i = 0; i < values.Length; i++) values[i] = items[i].Evaluate(context);
        return tuple ? new TupleValue(values) : new ListValue(values);
    }
}
