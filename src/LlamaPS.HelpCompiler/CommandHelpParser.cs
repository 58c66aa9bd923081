using System.Text.RegularExpressions;

namespace LlamaPS.HelpCompiler;

/// <summary>
/// Reads one cmdlet page in PlatyPS v1's markdown schema (2.0.0) and rejects anything that would silently produce
/// wrong or missing help: every section present and in order, every parameter with a complete metadata block.
/// </summary>
public sealed class CommandHelpParser
{
    public static readonly string[] Sections =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    private static readonly string[] FrontMatterKeys = ["external help file", "Module Name", "online version", "schema"];

    private static readonly string[] ParameterKeys =
        ["Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters"];

    private static readonly Regex CommandNamePattern = new(@"^[A-Z][A-Za-z]*-[A-Z][A-Za-z0-9]*$");
    private static readonly Regex PipelineInputPattern = new(@"^(False|True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\))$");
    private static readonly Regex LinkPattern = new(@"^\[(?<text>[^\]]+)\]\((?<uri>[^)\s]*)\)$");

    private readonly string _file;
    private readonly string _helpFileName;
    private readonly string _moduleName;

    private CommandHelpParser(string file, string helpFileName, string moduleName)
    {
        _file = file;
        _helpFileName = helpFileName;
        _moduleName = moduleName;
    }

    /// <param name="file">Path used in error messages; its base name must be the command name.</param>
    /// <param name="helpFileName">The MAML file name the front matter must name, e.g. LlamaPS.dll-Help.xml.</param>
    public static CommandHelp Parse(string file, string text, string helpFileName, string moduleName) =>
        new CommandHelpParser(file, helpFileName, moduleName).Parse(text.ReplaceLineEndings("\n").Split('\n'));

    private CommandHelp Parse(string[] lines)
    {
        (Dictionary<string, string> front, int bodyStart) = ParseFrontMatter(lines);
        List<MarkdownBlock> blocks = MarkdownBlock.Parse(_file, lines[bodyStart..], bodyStart + 1);

        if (blocks.Count == 0 || blocks[0] is not { Kind: BlockKind.Heading, Level: 1 })
            throw Error(blocks.Count == 0 ? lines.Length : blocks[0].Line, "expected the command name as a '# Verb-Noun' heading after the front matter");
        string name = blocks[0].Text;
        string expectedName = Path.GetFileNameWithoutExtension(_file);
        if (!CommandNamePattern.IsMatch(name)) throw Error(blocks[0].Line, $"'{name}' is not a Verb-Noun command name");
        if (name != expectedName) throw Error(blocks[0].Line, $"heading '# {name}' does not match the file name '{expectedName}'");

        Dictionary<string, Section> sections = SplitSections(blocks, lines.Length);

        List<string> parameterSets = ParseSyntax(name, sections["SYNTAX"]);
        List<ParameterHelp> parameters = ParseParameters(sections["PARAMETERS"], parameterSets);
        string online = front["online version"];
        return new CommandHelp(
            name,
            online.Length == 0 ? null : online,
            RequireText(sections["SYNOPSIS"]),
            parameterSets,
            RequireText(sections["DESCRIPTION"]),
            ParseExamples(sections["EXAMPLES"]),
            parameters,
            ParseTypes(sections["INPUTS"]),
            ParseTypes(sections["OUTPUTS"]),
            Text(sections["NOTES"]),
            ParseLinks(sections["RELATED LINKS"]));
    }

    private (Dictionary<string, string> Values, int BodyStart) ParseFrontMatter(string[] lines)
    {
        if (lines.Length == 0 || lines[0].Trim() != "---") throw Error(1, "a help page must start with '---' YAML front matter");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 1;
        for (; i < lines.Length && lines[i].Trim() != "---"; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            int colon = lines[i].IndexOf(':');
            if (colon <= 0) throw Error(i + 1, $"front matter line '{lines[i]}' is not 'key: value'");
            string key = lines[i][..colon].Trim();
            if (!FrontMatterKeys.Contains(key)) throw Error(i + 1, $"unknown front matter key '{key}'; expected {string.Join(", ", FrontMatterKeys)}");
            if (!values.TryAdd(key, lines[i][(colon + 1)..].Trim())) throw Error(i + 1, $"front matter key '{key}' appears twice");
        }
        if (i >= lines.Length) throw Error(1, "front matter is not closed with '---'");
        foreach (string key in FrontMatterKeys)
            if (!values.ContainsKey(key)) throw Error(i + 1, $"front matter lacks '{key}:'");
        if (values["external help file"] != _helpFileName)
            throw Error(i + 1, $"'external help file' is '{values["external help file"]}' but the module's help file is '{_helpFileName}'");
        if (values["Module Name"] != _moduleName)
            throw Error(i + 1, $"'Module Name' is '{values["Module Name"]}' but the module is '{_moduleName}'");
        if (values["schema"] != "2.0.0") throw Error(i + 1, $"'schema' is '{values["schema"]}'; only 2.0.0 is supported");
        return (values, i + 1);
    }

    private Dictionary<string, Section> SplitSections(List<MarkdownBlock> blocks, int lastLine)
    {
        var sections = new Dictionary<string, Section>();
        Section? current = null;
        foreach (MarkdownBlock block in blocks.Skip(1))
        {
            if (block is { Kind: BlockKind.Heading, Level: <= 2 })
            {
                if (block.Level == 1) throw Error(block.Line, "only one '#' heading (the command name) is allowed");
                if (sections.Count == Sections.Length) throw Error(block.Line, $"unexpected section '## {block.Text}' after '## {Sections[^1]}'");
                string expected = Sections[sections.Count];
                if (block.Text != expected) throw Error(block.Line, $"expected section '## {expected}' but found '## {block.Text}'");
                current = sections[expected] = new Section(expected, block.Line, []);
            }
            else if (current is null)
            {
                throw Error(block.Line, "content between the command name and '## SYNOPSIS'");
            }
            else
            {
                current.Blocks.Add(block);
            }
        }
        if (sections.Count < Sections.Length) throw Error(lastLine, $"missing section '## {Sections[sections.Count]}'");
        return sections;
    }

    private List<string> ParseSyntax(string name, Section section)
    {
        List<MarkdownBlock> blocks = section.Blocks;
        var sets = new List<string>();
        for (int i = 0; i < blocks.Count; i++)
        {
            MarkdownBlock heading = blocks[i];
            if (heading is not { Kind: BlockKind.Heading, Level: 3 }) throw Error(heading.Line, "SYNTAX must hold '### <parameter set>' headings, each followed by a code block");
            string set = heading.Text.EndsWith(" (Default)", StringComparison.Ordinal) ? heading.Text[..^" (Default)".Length] : heading.Text;
            if (i + 1 >= blocks.Count || blocks[i + 1].Kind != BlockKind.Code) throw Error(heading.Line, $"parameter set '{set}' has no syntax code block");
            MarkdownBlock code = blocks[++i];
            if (!code.Text.TrimStart().StartsWith(name, StringComparison.Ordinal)) throw Error(code.Line, $"syntax of '{set}' must start with '{name}'");
            if (sets.Contains(set, StringComparer.OrdinalIgnoreCase)) throw Error(heading.Line, $"parameter set '{set}' is listed twice");
            sets.Add(set);
        }
        if (sets.Count == 0) throw Error(section.Line, "SYNTAX lists no parameter set");
        return sets;
    }

    private List<ExampleHelp> ParseExamples(Section section)
    {
        var examples = new List<ExampleHelp>();
        foreach ((MarkdownBlock heading, List<MarkdownBlock> body) in SplitSubsections(section))
        {
            if (!heading.Text.StartsWith("Example ", StringComparison.Ordinal)) throw Error(heading.Line, $"example heading '### {heading.Text}' must start with 'Example '");
            List<MarkdownBlock> code = body.Where(b => b.Kind == BlockKind.Code).ToList();
            if (code.Count == 0 || code.Any(c => c.Language != "powershell")) throw Error(heading.Line, $"'{heading.Text}' needs its code in ```powershell blocks");
            examples.Add(new ExampleHelp(
                heading.Text,
                string.Join("\n\n", code.Select(c => c.Text)),
                body.Where(b => b.Kind == BlockKind.Paragraph).Select(b => b.Text).ToList()));
        }
        if (examples.Count == 0) throw Error(section.Line, "EXAMPLES has no '### Example 1'");
        return examples;
    }

    private List<ParameterHelp> ParseParameters(Section section, List<string> parameterSets)
    {
        var parameters = new List<ParameterHelp>();
        bool common = false;
        foreach ((MarkdownBlock heading, List<MarkdownBlock> body) in SplitSubsections(section))
        {
            if (heading.Text == "CommonParameters")
            {
                common = true;
                continue;
            }
            if (common) throw Error(heading.Line, "'### CommonParameters' must come after every parameter");
            if (!heading.Text.StartsWith('-') || heading.Text.Length < 2 || heading.Text.Contains(' '))
                throw Error(heading.Line, $"parameter heading '### {heading.Text}' must be '### -Name'");
            string name = heading.Text[1..];
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) throw Error(heading.Line, $"parameter '-{name}' is documented twice");
            List<MarkdownBlock> yaml = body.Where(b => b.Kind == BlockKind.Code).ToList();
            if (yaml.Count != 1 || yaml[0].Language != "yaml") throw Error(heading.Line, $"parameter '-{name}' needs exactly one ```yaml metadata block");
            List<string> description = body.Where(b => b.Kind == BlockKind.Paragraph).Select(b => b.Text).ToList();
            if (description.Count == 0) throw Error(heading.Line, $"parameter '-{name}' has no description");
            parameters.Add(ParseParameterMetadata(name, description, yaml[0], parameterSets));
        }
        if (!common) throw Error(section.Line, "PARAMETERS lacks '### CommonParameters'");
        return parameters;
    }

    private ParameterHelp ParseParameterMetadata(string name, List<string> description, MarkdownBlock yaml, List<string> parameterSets)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        string[] lines = yaml.Text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int line = yaml.Line + 1 + i;
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            int colon = lines[i].IndexOf(':');
            string key = colon > 0 ? lines[i][..colon].Trim() : lines[i].Trim();
            if (colon <= 0 || !ParameterKeys.Contains(key) && key != "Accepted values")
                throw Error(line, $"'-{name}': unknown metadata line '{lines[i]}'; expected {string.Join(", ", ParameterKeys)}");
            if (!values.TryAdd(key, (lines[i][(colon + 1)..].Trim(), line))) throw Error(line, $"'-{name}': '{key}' appears twice");
        }
        foreach (string key in ParameterKeys)
            if (!values.ContainsKey(key)) throw Error(yaml.Line, $"'-{name}': metadata lacks '{key}:'");

        (string type, int typeLine) = values["Type"];
        if (type.Length == 0) throw Error(typeLine, $"'-{name}': Type is empty");

        (string setsText, int setsLine) = values["Parameter Sets"];
        List<string> sets = setsText == "(All)" ? [] : SplitList(setsText);
        if (setsText != "(All)" && sets.Count == 0) throw Error(setsLine, $"'-{name}': Parameter Sets must be '(All)' or set names");
        foreach (string set in sets)
            if (!parameterSets.Contains(set, StringComparer.OrdinalIgnoreCase)) throw Error(setsLine, $"'-{name}': parameter set '{set}' is not under SYNTAX");

        (string position, int positionLine) = values["Position"];
        if (position != "Named" && !int.TryParse(position, out _)) throw Error(positionLine, $"'-{name}': Position must be 'Named' or a number, not '{position}'");

        (string pipeline, int pipelineLine) = values["Accept pipeline input"];
        if (!PipelineInputPattern.IsMatch(pipeline)) throw Error(pipelineLine, $"'-{name}': Accept pipeline input must be 'False' or 'True (ByValue[, ByPropertyName])', not '{pipeline}'");

        return new ParameterHelp(
            name, description, type, sets, SplitList(values["Aliases"].Value),
            Bool(name, "Required", values["Required"]),
            position,
            values["Default value"].Value.Length == 0 ? "None" : values["Default value"].Value,
            pipeline,
            Bool(name, "Accept wildcard characters", values["Accept wildcard characters"]));
    }

    private List<TypeHelp> ParseTypes(Section section)
    {
        List<TypeHelp> types = SplitSubsections(section)
            .Select(s => new TypeHelp(s.Heading.Text, s.Body.Select(b => b.Text).ToList()))
            .ToList();
        if (types.Count == 0) throw Error(section.Line, $"{section.Name} lists no type; write '### None' when there is none");
        return types;
    }

    private List<LinkHelp> ParseLinks(Section section)
    {
        var links = new List<LinkHelp>();
        foreach (MarkdownBlock block in section.Blocks)
        {
            if (block.Kind != BlockKind.Paragraph) throw Error(block.Line, "RELATED LINKS must hold only '[text](uri)' lines");
            // Consecutive link lines arrive joined into one paragraph.
            foreach (string item in Regex.Split(block.Text, @"(?<=\))\s+(?=\[)"))
            {
                Match link = LinkPattern.Match(item);
                if (!link.Success) throw Error(block.Line, $"RELATED LINKS must hold only '[text](uri)' lines, not '{item}'");
                links.Add(new LinkHelp(link.Groups["text"].Value, link.Groups["uri"].Value));
            }
        }
        return links;
    }

    /// <summary>Groups a section's blocks under its '###' headings; nothing may precede the first heading.</summary>
    private List<(MarkdownBlock Heading, List<MarkdownBlock> Body)> SplitSubsections(Section section)
    {
        var result = new List<(MarkdownBlock, List<MarkdownBlock>)>();
        foreach (MarkdownBlock block in section.Blocks)
        {
            if (block is { Kind: BlockKind.Heading, Level: 3 }) result.Add((block, []));
            else if (block.Kind == BlockKind.Heading) throw Error(block.Line, $"{section.Name} allows only '###' headings here");
            else if (result.Count == 0) throw Error(block.Line, $"{section.Name} content must sit under a '###' heading");
            else result[^1].Item2.Add(block);
        }
        return result;
    }

    private List<string> RequireText(Section section)
    {
        List<string> text = Text(section);
        if (text.Count == 0) throw Error(section.Line, $"{section.Name} is empty");
        return text;
    }

    private List<string> Text(Section section)
    {
        MarkdownBlock? heading = section.Blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading);
        if (heading is not null) throw Error(heading.Line, $"{section.Name} allows no headings");
        return section.Blocks.Select(b => b.Text).ToList();
    }

    private bool Bool(string parameter, string key, (string Value, int Line) entry) => entry.Value switch
    {
        "True" or "true" => true,
        "False" or "false" => false,
        _ => throw Error(entry.Line, $"'-{parameter}': {key} must be True or False, not '{entry.Value}'"),
    };

    private static List<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private HelpSchemaException Error(int line, string message) => new(_file, line, message);

    /// <summary>A '##' section: its name, heading line and the blocks under it.</summary>
    private sealed record Section(string Name, int Line, List<MarkdownBlock> Blocks);
}
