namespace LlamaPS.Engine.Gguf;

/// <summary>The one exception for a malformed GGUF file: it names the file, the byte offset and the problem.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException(string path, long offset, string problem)
        : base($"{path}: invalid GGUF at byte {offset}: {problem}")
    {
        FilePath = path;
        Offset = offset;
        Problem = problem;
    }

    public string FilePath { get; }
    public long Offset { get; }
    public string Problem { get; }
}
