using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>{% break %} or {% continue %} (Jinja2's loopcontrols extension, which Hugging Face enables).</summary>
internal sealed class LoopControlStatement(Flow flow, int line) : Statement(line)
{
    public override Flow Execute(RenderContext context) => flow;
}
