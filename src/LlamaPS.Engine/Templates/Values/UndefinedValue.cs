using LlamaPS.Engine.Templates.Python;
using LlamaPS.Engine.Templates.Runtime;

namespace LlamaPS.Engine.Templates.Values;

/// <summary>
/// Jinja2's default Undefined: a missing variable, attribute or item. It prints as nothing, is false, iterates as
/// empty and has length 0, but any other use (an operator, an attribute, a call) raises an error with its message.
/// </summary>
internal sealed class UndefinedValue : TemplateValue
{
    private readonly TemplateErrorKind _kind;

    private UndefinedValue(string message, TemplateErrorKind kind = TemplateErrorKind.UndefinedError)
    {
        Message = message;
        _kind = kind;
    }

    /// <summary>The error raised when the value is used, e.g. "'functions' is undefined".</summary>
    public string Message { get; }

    public static UndefinedValue Named(string name) => new($"{PythonString.Repr(name)} is undefined");

    public static UndefinedValue WithHint(string hint) => new(hint);

    /// <summary>What owner.key or owner[key] gives when the owner has no such attribute or item.</summary>
    public static UndefinedValue Missing(TemplateValue owner, TemplateValue key) => key is StringValue s
        ? new($"{PythonString.Repr(owner.ObjectDescription)} has no attribute {s.Repr()}")
        : new($"{owner.ObjectDescription} has no element {key.Repr()}");

    /// <summary>A method the immutable sandbox refuses (one that would change a list or dict).</summary>
    public static UndefinedValue Unsafe(TemplateValue owner, string attribute) =>
        new($"access to attribute '{attribute}' of '{owner.TypeName}' object is unsafe.", TemplateErrorKind.SecurityError);

    /// <summary>A Python method this renderer does not implement; calling it says so.</summary>
    public static UndefinedValue NotImplemented(TemplateValue owner, string method) =>
        new($"Unsupported template construct: the {owner.TypeName} method '{method}'.", TemplateErrorKind.Unsupported);

    public TemplateException Fail() => new(_kind, Message);

    public override string TypeName => "Undefined";
    public override bool IsTrue => false;
    public override string ToStr() => "";
    public override string Repr() => "Undefined";
    public override IEnumerable<TemplateValue> Iterate() => [];
    public override int? Length => 0;
    public override bool IsSequence => true;
    public override TemplateValue GetAttribute(string name) => throw Fail();
    public override TemplateValue GetItem(TemplateValue key) => throw Fail();
    public override TemplateValue Call(Arguments arguments, RenderContext context) => throw Fail();
}
