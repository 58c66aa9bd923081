using LlamaPS.HelpCompiler;

// Usage: LlamaPS.HelpCompiler <docs folder> <output MAML file> <module name>
// Every docs/*.md except about_* topics is a cmdlet page. Errors print in MSBuild's canonical format so the
// build fails naming the page and line.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: LlamaPS.HelpCompiler <docs folder> <output MAML file> <module name>");
    return 2;
}
(string docs, string output, string module) = (args[0], args[1], args[2]);

var commands = new List<CommandHelp>();
var failed = false;
foreach (string page in Directory.EnumerateFiles(docs, "*.md").Where(f => !Path.GetFileName(f).StartsWith("about_", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
{
    try
    {
        commands.Add(CommandHelpParser.Parse(Path.GetFullPath(page), File.ReadAllText(page), Path.GetFileName(output), module));
    }
    catch (HelpSchemaException e)
    {
        // Keep going so one build reports every broken page.
        Console.WriteLine(e.ToMSBuildError());
        failed = true;
    }
}
if (failed) return 1;

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
MamlWriter.Write(commands).Save(output);
Console.WriteLine($"LlamaPS.HelpCompiler: {commands.Count} command page(s) -> {output}");
return 0;
