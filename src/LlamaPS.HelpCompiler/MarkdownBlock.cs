using System.Text.RegularExpressions;

namespace LlamaPS.HelpCompiler;

public enum BlockKind { Heading, Paragraph, Code }

/// <summary>
/// The few markdown constructs the help schema uses: ATX headings, paragraphs and fenced code blocks,
/// each remembering its 1-based source line for error messages.
/// </summary>
public sealed record MarkdownBlock(BlockKind Kind, string Text, int Line, int Level = 0, string Language = "")
{
    private static readonly Regex HeadingPattern = new(@"^(#{1,6})\s+(.*?)\s*#*\s*$");
    private static readonly Regex ListItemPattern = new(@"^\s*([-*+]|\d+\.)\s");

    /// <summary>Splits <paramref name="lines"/> (starting at source line <paramref name="firstLine"/>) into blocks.</summary>
    public static List<MarkdownBlock> Parse(string file, IReadOnlyList<string> lines, int firstLine)
    {
        var blocks = new List<MarkdownBlock>();
        var paragraph = new List<string>();
        int paragraphLine = 0;

        void FlushParagraph()
        {
            if (paragraph.Count > 0) blocks.Add(new MarkdownBlock(BlockKind.Paragraph, string.Join(" ", paragraph), paragraphLine));
            paragraph.Clear();
        }

        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            int lineNumber = firstLine + i;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                FlushParagraph();
                string language = line.Trim()[3..].Trim();
                var code = new List<string>();
                int start = lineNumber;
                for (i++; ; i++)
                {
                    if (i >= lines.Count) throw new HelpSchemaException(file, start, "code block is not closed with ```");
                    if (lines[i].Trim() == "```") break;
                    code.Add(lines[i]);
                }
                blocks.Add(new MarkdownBlock(BlockKind.Code, string.Join("\n", code), start, Language: language));
                continue;
            }
            Match heading = HeadingPattern.Match(line);
            if (heading.Success)
            {
                FlushParagraph();
                blocks.Add(new MarkdownBlock(BlockKind.Heading, heading.Groups[2].Value, lineNumber, heading.Groups[1].Length));
                continue;
            }
            if (string.IsNullOrWhiteSpace(line))
            {
                FlushParagraph();
                continue;
            }
            // Each list item becomes its own paragraph so Get-Help keeps one item per line.
            if (ListItemPattern.IsMatch(line)) FlushParagraph();
            if (paragraph.Count == 0) paragraphLine = lineNumber;
            paragraph.Add(line.Trim());
        }
        FlushParagraph();
        return blocks;
    }
}
