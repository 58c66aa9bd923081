using LlamaPS.Engine.Templates.Runtime;
using LlamaPS.Engine.Templates.Values;

namespace LlamaPS.Engine.Templates.Syntax;

/// <summary>The written arguments of a call, filter or test: f(a, b, key=c, *more, **named).</summary>
internal sealed class CallArguments(
    IReadOnlyList<Expression> positional,
    IReadOnlyList<KeyValuePair<string, Expression>> keywords,
    Expression? starArguments = null,
    Expression? starKeywords = null)
{
    public static readonly CallArguments None = new([], []);

    public IReadOnlyList<Expression> Positional { get; } = positional;
    public IReadOnlyList<KeyValuePair<string, Expression>> Keywords { get; } = keywords;

    public Arguments Evaluate(RenderContext context)
    {
        if (Positional.Count == 0 && Keywords.Count == 0 && starArguments is null && starKeywords is null) return Arguments.None;
        var values = new List<TemplateValue>(Positional.Count);
        foreach (var p in Positional) values.Add(p.Evaluate(context));
        if (starArguments is not null) values.AddRange(Operators.Iterate(starArguments.Evaluate(context)));
        var named = new List<KeyValuePair<string, TemplateValue>>(Keywords.Count);
        foreach (var (name, value) in Keywords) named.Add(KeyValuePair.Create(name, value.Evaluate(context)));
        if (starKeywords is not null)
        {
            if (starKeywords.Evaluate(context) is not DictValue dict) throw TemplateException.Type("argument after ** must be a mapping");
            foreach (var (key, value) in dict.Pairs)
            {
                if (key is not StringValue k) throw TemplateException.Type("keywords must be strings");
                named.Add(KeyValuePair.Create(k.Value, value));
            }
        }
        return new Arguments(values, named);
    }
}
