using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Syntax;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// A defined macro. A call renders the body in a new scope whose parent is the scope the macro was defined in
/// (read when called, so it sees later changes there) and returns the text. Missing arguments take their default,
/// evaluated at call time, or are undefined.
/// </summary>
internal sealed class MacroValue(MacroStatement macro, Scope definedIn) : TemplateValue
{
    public override string TypeName => "Macro";
    internal override string ObjectDescription => "jinja2.runtime.Macro object";
    public override bool IsCallable => true;
    public override string Repr() => $"<Macro '{macro.Name}'>";

    public override TemplateValue Call(Arguments arguments, RenderContext context)
    {
        var parameters = macro.Parameters;
        if (arguments.Positional.Count > parameters.Count)
            throw TemplateException.Type($"macro '{macro.Name}' takes not more than {parameters.Count} argument(s)");
        var given = new TemplateValue?[parameters.Count];
        for (int i = 0; i < arguments.Positional.Count; i++) given[i] = arguments.Positional[i];
        foreach (var (name, value) in arguments.Keywords)
        {
            int at = IndexOf(name);
            if (at < 0) throw TemplateException.Type($"macro '{macro.Name}' takes no keyword argument '{name}'");
            if (given[at] is not null) throw TemplateException.Type($"macro '{macro.Name}' got multiple values for argument '{name}'");
            given[at] = value;
        }

        context.EnterMacro();
        try
        {
            var scope = new Scope(definedIn);
            string text = context.InScope(scope, () =>
            {
                for (int i = 0; i < parameters.Count; i++)
                {
                    var (name, defaultValue) = parameters[i];
                    scope.Set(name, given[i] ?? defaultValue?.Evaluate(context) ?? UndefinedValue.WithHint($"parameter '{name}' was not provided"));
                }
                return context.Capture(() => macro.Body.Execute(context));
            });
            return new StringValue(text);
        }
        finally
        {
            context.ExitMacro();
        }
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < macro.Parameters.Count; i++)
        {
            if (macro.Parameters[i].Key == name) return i;
        }
        return -1;
    }
}
