using System.Runtime.CompilerServices;
using System.Text;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>The state of one rendering: where output goes, the innermost scope, the options, and the macro depth.</summary>
internal sealed class RenderContext(Scope scope, TemplateRenderOptions options)
{
    /// <summary>Deep enough for any real template, shallow enough that runaway recursion fails before the stack does.</summary>
    private const int MaxMacroDepth = 200;

    private int _macroDepth;

    public StringBuilder Output { get; private set; } = new();
    public Scope Scope { get; set; } = scope;
    public TemplateRenderOptions Options { get; } = options;

    public TemplateValue Lookup(string name) => Scope.Find(name) ?? UndefinedValue.Named(name);

    /// <summary>Runs <paramref name="render"/> with its output collected into a string instead of the main output.</summary>
    public string Capture(Action render)
    {
        var saved = Output;
        Output = new StringBuilder();
        try
        {
            render();
            return Output.ToString();
        }
        finally
        {
            Output = saved;
        }
    }

    /// <summary>Runs <paramref name="body"/> in <paramref name="scope"/>, restoring the current scope afterwards.</summary>
    public T InScope<T>(Scope scope, Func<T> body)
    {
        var saved = Scope;
        Scope = scope;
        try
        {
            return body();
        }
        finally
        {
            Scope = saved;
        }
    }

    /// <summary>Counts a macro call in; pair with <see cref="ExitMacro"/> in a finally block.</summary>
    public void EnterMacro()
    {
        if (_macroDepth >= MaxMacroDepth)
            throw new TemplateException(TemplateErrorKind.RecursionError, $"maximum recursion depth exceeded: more than {MaxMacroDepth} nested macro calls");
        EnsureStack();
        _macroDepth++;
    }

    /// <summary>
    /// Fails with a RecursionError while there is still stack left: a stack overflow cannot be caught and would end
    /// the whole process (the PowerShell session), on a thread of any stack size.
    /// </summary>
    public static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new TemplateException(TemplateErrorKind.RecursionError, "maximum recursion depth exceeded: the template nests too deeply");
    }

    public void ExitMacro() => _macroDepth--;
}
