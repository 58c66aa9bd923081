namespace LlamaPS.HelpCompiler.Tests;

/// <summary>A schema-valid page to start from; tests break one part of it at a time.</summary>
internal static class HelpPages
{
    public const string HelpFile = "LlamaPS.dll-Help.xml";

    public const string Valid = """
        ---
        external help file: LlamaPS.dll-Help.xml
        Module Name: LlamaPS
        online version: https://example.org/Get-Thing
        schema: 2.0.0
        ---

        # Get-Thing

        ## SYNOPSIS
        Gets things.

        ## SYNTAX

        ### ByName (Default)
        ```
        Get-Thing [[-Name] <String>] [-Force] [<CommonParameters>]
        ```

        ### ById
        ```
        Get-Thing -Id <Int32> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Gets things by name
        or by id.

        - first item
        - second item

        ## EXAMPLES

        ### Example 1: By name
        ```powershell
        Get-Thing -Name a
        ```

        Gets the thing called a.

        ## PARAMETERS

        ### -Name
        The thing's name.

        ```yaml
        Type: String
        Parameter Sets: ByName
        Aliases: N

        Required: False
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue)
        Accept wildcard characters: True
        ```

        ### -Id
        The thing's id.

        ```yaml
        Type: Int32
        Parameter Sets: ById
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Force
        Gets hidden things too.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String
        A name.

        ## OUTPUTS

        ### Thing

        ## NOTES

        ## RELATED LINKS
        [About things](https://example.org/about_Things)
        [More](https://example.org/more)
        """;

    public static CommandHelp Parse(string text) => CommandHelpParser.Parse("/docs/Get-Thing.md", text, HelpFile, "LlamaPS");

    /// <summary>1-based line of the first line of <see cref="Valid"/> that equals <paramref name="line"/>.</summary>
    public static int LineOf(string line) => Array.IndexOf(Valid.Split('\n'), line) + 1;
}
