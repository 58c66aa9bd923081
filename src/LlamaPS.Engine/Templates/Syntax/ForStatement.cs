using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>
/// {% for target in iterable [if condition] %}body{% else %}empty{% endfor %}. Every iteration runs in a fresh scope
/// (a set inside the loop is gone at the next iteration and after the loop, as in Jinja2), with the loop variable.
/// Looping over None is Python's TypeError; over an undefined value, no iterations.
/// </summary>
internal sealed class ForStatement(AssignTarget target, Expression iterable, Expression? condition, Block body, Block? otherwise, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context)
    {
        var source = Operators.Iterate(iterable.Evaluate(context));
        var outer = context.Scope;
        var items = condition is null ? source.ToList() : source.Where(item => Accepts(context, item)).ToList();
        if (items.Count == 0)
        {
            if (otherwise is not null) context.InScope(new Scope(outer), () => otherwise.Execute(context));
            return Flow.Normal;
        }
        var loop = new LoopValue(items);
        for (int i = 0; i < items.Count; i++)
        {
            loop.Index0 = i;
            var iteration = new Scope(outer);
            iteration.Set("loop", loop);
            var flow = context.InScope(iteration, () =>
            {
                target.Assign(context, items[i]);
                return body.Execute(context);
            });
            if (flow == Flow.Break) break;
        }
        return Flow.Normal;
    }

    /// <summary>Whether the loop's "if" condition holds for an item, evaluated with the target bound to it.</summary>
    private bool Accepts(RenderContext context, TemplateValue item) => context.InScope(new Scope(context.Scope), () =>
    {
        target.Assign(context, item);
        return condition!.Evaluate(context).IsTrue;
    });
}
