using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>value is [not] test(arguments), e.g. message.content is string, x is not defined.</summary>
internal sealed class TestExpression(Expression input, TemplateTest test, CallArguments arguments, bool negated, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context) =>
        BooleanValue.Of(test(input.Evaluate(context), arguments.Evaluate(context), context) != negated);
}
