using System.Xml.Linq;

namespace LlamaPS.HelpCompiler;

/// <summary>
/// Writes the MAML command help that PowerShell's Get-Help reads for binary cmdlets
/// (helpItems/command:command), shaped as PlatyPS v1 emits it so Get-Help renders it the same way.
/// </summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands) => new(
        new XDeclaration("1.0", "utf-8", null),
        new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(WriteCommand)));

    private static XElement WriteCommand(CommandHelp help)
    {
        int dash = help.Name.IndexOf('-');
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Name[..dash]),
                new XElement(Command + "noun", help.Name[(dash + 1)..]),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", help.ParameterSets.Select(set => new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", help.Name),
                SyntaxOrder(help.Parameters.Where(p => p.InSet(set))).Select(p => Parameter(p, inSyntax: true))))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => new XElement(Command + "inputType", Type(t.Name), Description(t.Description)))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => new XElement(Command + "returnValue", Type(t.Name), Description(t.Description)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", Links(help)));
    }

    /// <summary>Get-Command's syntax order: positional parameters by position, then named ones as documented.</summary>
    private static IEnumerable<ParameterHelp> SyntaxOrder(IEnumerable<ParameterHelp> parameters) =>
        parameters.OrderBy(p => int.TryParse(p.Position, out int position) ? position : int.MaxValue);

    private static XElement Parameter(ParameterHelp p, bool inSyntax) => new(Command + "parameter",
        new XAttribute("required", p.Required ? "true" : "false"),
        new XAttribute("variableLength", "true"),
        new XAttribute("globbing", p.Globbing ? "true" : "false"),
        new XAttribute("pipelineInput", p.PipelineInput),
        new XAttribute("position", p.Position == "Named" ? "named" : p.Position),
        new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
        new XElement(Maml + "name", p.Name),
        Description(p.Description),
        // Switches show no value placeholder in syntax ("[-Benchmark]", not "[-Benchmark <SwitchParameter>]").
        inSyntax && p.IsSwitch ? null : new XElement(Command + "parameterValue",
            new XAttribute("required", p.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), p.Type),
        Type(p.Type),
        new XElement(Dev + "defaultValue", p.DefaultValue));

    private static XElement Example(ExampleHelp example) => new(Command + "example",
        new XElement(Maml + "title", $"--------- {example.Title} ---------"),
        new XElement(Dev + "code", example.Code),
        new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    private static IEnumerable<XElement> Links(CommandHelp help)
    {
        // Get-Help -Online opens the first link's URI, which PlatyPS makes the page's online version.
        if (help.OnlineVersion is not null) yield return Link("Online Version:", help.OnlineVersion);
        foreach (LinkHelp link in help.Links) yield return Link(link.Text, link.Uri);
    }

    private static XElement Link(string text, string uri) => new(Maml + "navigationLink",
        new XElement(Maml + "linkText", text),
        new XElement(Maml + "uri", uri));

    private static XElement Type(string name) => new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));
}
