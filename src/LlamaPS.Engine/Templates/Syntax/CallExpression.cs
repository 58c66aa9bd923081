using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>f(arguments): a global function, a macro, or a method such as message.content.strip().</summary>
internal sealed class CallExpression(Expression callee, CallArguments arguments, int line) : Expression(line)
{
    public override TemplateValue Evaluate(RenderContext context)
    {
        var function = callee.Evaluate(context);
        return function.Call(arguments.Evaluate(context), context);
    }
}
