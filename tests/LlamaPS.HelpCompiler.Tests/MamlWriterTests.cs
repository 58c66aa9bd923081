using System.Xml.Linq;

namespace LlamaPS.HelpCompiler.Tests;

public class MamlWriterTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static XElement WriteValidPage() =>
        MamlWriter.Write([HelpPages.Parse(HelpPages.Valid)]).Root!.Element(Command + "command")!;

    [Fact]
    public void Details_CarryNameVerbNounAndSynopsis()
    {
        XElement details = WriteValidPage().Element(Command + "details")!;

        Assert.Equal("Get-Thing", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("Thing", details.Element(Command + "noun")!.Value);
        Assert.Equal("Gets things.", details.Element(Maml + "description")!.Element(Maml + "para")!.Value);
    }

    [Fact]
    public void Syntax_HasOneItemPerSetWithItsParametersPositionalFirst()
    {
        var items = WriteValidPage().Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();

        Assert.Equal(2, items.Count);
        Assert.Equal(["Name", "Force"], items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(["Id", "Force"], items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        XElement force = items[0].Elements(Command + "parameter").Last();
        Assert.Null(force.Element(Command + "parameterValue"));
    }

    [Fact]
    public void Parameters_CarryMetadataAsAttributes()
    {
        XElement name = WriteValidPage().Element(Command + "parameters")!.Elements(Command + "parameter").First();

        Assert.Equal("false", name.Attribute("required")!.Value);
        Assert.Equal("0", name.Attribute("position")!.Value);
        Assert.Equal("True (ByValue)", name.Attribute("pipelineInput")!.Value);
        Assert.Equal("true", name.Attribute("globbing")!.Value);
        Assert.Equal("N", name.Attribute("aliases")!.Value);
        Assert.Equal("String", name.Element(Dev + "type")!.Element(Maml + "name")!.Value);
    }

    [Fact]
    public void Examples_AndLinks_AreWritten()
    {
        XElement command = WriteValidPage();

        XElement example = command.Element(Command + "examples")!.Element(Command + "example")!;
        Assert.Equal("Get-Thing -Name a", example.Element(Dev + "code")!.Value);
        Assert.Contains("Example 1: By name", example.Element(Maml + "title")!.Value);
        Assert.Equal(
            ["https://example.org/Get-Thing", "https://example.org/about_Things", "https://example.org/more"],
            command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink").Select(l => l.Element(Maml + "uri")!.Value));
    }
}
