namespace LlamaPS.HelpCompiler;

/// <summary>A help page that breaks the markdown schema, located so the build can point at the offending line.</summary>
public sealed class HelpSchemaException(string file, int line, string message) : Exception(message)
{
    public string File { get; } = file;

    public int Line { get; } = line;

    /// <summary>MSBuild's canonical error format, which the Exec task turns into a build error with file and line.</summary>
    public string ToMSBuildError() => $"{File}({Line}): error LPSHELP: {Message}";
}
