namespace LlamaPS.HelpCompiler.Tests;

public class CommandHelpParserTests
{
    [Fact]
    public void ValidPage_IsReadCompletely()
    {
        CommandHelp help = HelpPages.Parse(HelpPages.Valid);

        Assert.Equal("Get-Thing", help.Name);
        Assert.Equal("https://example.org/Get-Thing", help.OnlineVersion);
        Assert.Equal(["Gets things."], help.Synopsis);
        Assert.Equal(["ByName", "ById"], help.ParameterSets);
        Assert.Equal(["Gets things by name or by id.", "- first item", "- second item"], help.Description);
        ExampleHelp example = Assert.Single(help.Examples);
        Assert.Equal("Example 1: By name", example.Title);
        Assert.Equal("Get-Thing -Name a", example.Code);
        Assert.Equal(["Gets the thing called a."], example.Remarks);
        Assert.Equal(["Name", "Id", "Force"], help.Parameters.Select(p => p.Name));
        ParameterHelp name = help.Parameters[0];
        Assert.Equal(["N"], name.Aliases);
        Assert.Equal("0", name.Position);
        Assert.Equal("True (ByValue)", name.PipelineInput);
        Assert.True(name.Globbing);
        Assert.False(name.InSet("ById"));
        Assert.True(help.Parameters[2].IsSwitch);
        Assert.True(help.Parameters[2].InSet("ById"));
        Assert.Equal("System.String", Assert.Single(help.Inputs).Name);
        Assert.Empty(Assert.Single(help.Outputs).Description);
        Assert.Empty(help.Notes);
        Assert.Equal(["https://example.org/about_Things", "https://example.org/more"], help.Links.Select(l => l.Uri));
    }

    [Theory]
    [InlineData("## DESCRIPTION", "## DETAILS", "expected section '## DESCRIPTION' but found '## DETAILS'")]
    [InlineData("Required: True", "Required: yes", "'-Id': Required must be True or False, not 'yes'")]
    [InlineData("Position: 0", "Position: first", "'-Name': Position must be 'Named' or a number, not 'first'")]
    [InlineData("Parameter Sets: ById", "Parameter Sets: ByKey", "'-Id': parameter set 'ByKey' is not under SYNTAX")]
    [InlineData("# Get-Thing", "# Get-Other", "heading '# Get-Other' does not match the file name 'Get-Thing'")]
    [InlineData("### -Force", "### Force", "parameter heading '### Force' must be '### -Name'")]
    [InlineData("Accept pipeline input: False", "Accept pipeline input: Yes", "'-Id': Accept pipeline input must be")]
    public void BrokenPage_FailsAtTheOffendingLine(string original, string broken, string message)
    {
        string text = ReplaceFirst(HelpPages.Valid, original, broken);

        HelpSchemaException e = Assert.Throws<HelpSchemaException>(() => HelpPages.Parse(text));

        Assert.Equal(HelpPages.LineOf(original), e.Line);
        Assert.StartsWith(message, e.Message);
        Assert.StartsWith($"/docs/Get-Thing.md({e.Line}): error LPSHELP: ", e.ToMSBuildError());
    }

    [Fact]
    public void MissingSection_IsNamed()
    {
        string text = HelpPages.Valid[..HelpPages.Valid.IndexOf("## RELATED LINKS", StringComparison.Ordinal)];

        HelpSchemaException e = Assert.Throws<HelpSchemaException>(() => HelpPages.Parse(text));

        Assert.Equal("missing section '## RELATED LINKS'", e.Message);
    }

    [Fact]
    public void ParameterWithoutYaml_IsRejected()
    {
        string text = HelpPages.Valid.Replace("```yaml\nType: Int32", "```\nType: Int32");

        HelpSchemaException e = Assert.Throws<HelpSchemaException>(() => HelpPages.Parse(text));

        Assert.Equal(HelpPages.LineOf("### -Id"), e.Line);
    }

    [Fact]
    public void WrongHelpFileName_IsRejected()
    {
        HelpSchemaException e = Assert.Throws<HelpSchemaException>(
            () => CommandHelpParser.Parse("/docs/Get-Thing.md", HelpPages.Valid, "Other.dll-Help.xml", "LlamaPS"));

        Assert.Contains("Other.dll-Help.xml", e.Message);
    }

    [Fact]
    public void UnclosedCodeBlock_PointsAtItsStart()
    {
        string cut = "Get-Thing -Name a\n";
        string text = HelpPages.Valid[..(HelpPages.Valid.IndexOf(cut, StringComparison.Ordinal) + cut.Length)];

        HelpSchemaException e = Assert.Throws<HelpSchemaException>(() => HelpPages.Parse(text));

        Assert.Equal(HelpPages.LineOf("```powershell"), e.Line);
        Assert.Equal("code block is not closed with ```", e.Message);
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        int at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{original}' is not in the page");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + original.Length));
    }
}
