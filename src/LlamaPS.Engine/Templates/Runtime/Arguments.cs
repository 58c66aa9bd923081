using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Runtime;

/// <summary>The arguments of a call, filter or test: positional ones, then keyword ones in the order written.</summary>
internal sealed class Arguments(IReadOnlyList<TemplateValue> positional, IReadOnlyList<KeyValuePair<string, TemplateValue>> keywords)
{
    public static readonly Arguments None = new([], []);

    public IReadOnlyList<TemplateValue> Positional { get; } = positional;
    public IReadOnlyList<KeyValuePair<string, TemplateValue>> Keywords { get; } = keywords;

    public static Arguments Of(params TemplateValue[] positional) => new(positional, []);

    /// <summary>
    /// Matches the arguments to a function's parameters as Python does (positional first, then keywords by name):
    /// one slot per parameter, null where the call gave none. Too many or unknown arguments are a TypeError.
    /// </summary>
    public TemplateValue?[] Bind(string function, params string[] parameters)
    {
        if (Positional.Count > parameters.Length)
            throw TemplateException.Type($"{function}() takes at most {parameters.Length} argument{(parameters.Length == 1 ? "" : "s")} ({Positional.Count} given)");
        var slots = new TemplateValue?[parameters.Length];
        for (int i = 0; i < Positional.Count; i++) slots[i] = Positional[i];
        foreach (var (name, value) in Keywords)
        {
            int at = Array.IndexOf(parameters, name);
            if (at < 0) throw TemplateException.Type($"{function}() got an unexpected keyword argument '{name}'");
            if (slots[at] is not null) throw TemplateException.Type($"{function}() got multiple values for argument '{name}'");
            slots[at] = value;
        }
        return slots;
    }

    /// <summary>Checks that a function taking no arguments got none, and gives its result.</summary>
    public TemplateValue WithoutArguments(string function, TemplateValue result)
    {
        Bind(function);
        return result;
    }

    /// <summary>The arguments after the first <paramref name="skip"/> positional ones (for filters that pass the rest on).</summary>
    public Arguments Skip(int skip) => new(Positional.Skip(skip).ToArray(), Keywords);
}
