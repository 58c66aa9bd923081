using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>Opens bytes as a GGUF file expecting a <see cref="GgufFormatException"/> that names the file, offset and problem.</summary>
public static class MalformedGguf
{
    public static GgufFormatException OpenFails(byte[] bytes)
    {
        using var temp = new TempDirectory();
        return OpenFails(temp.Write("malformed.gguf", bytes));
    }

    public static GgufFormatException OpenFails(string path)
    {
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Open(path).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"{path}: invalid GGUF at byte {error.Offset}: {error.Problem}", error.Message);
        return error;
    }

    public static void Rejects(byte[] bytes, long offset, string problem)
    {
        GgufFormatException error = OpenFails(bytes);
        Assert.Contains(problem, error.Problem);
        Assert.Equal(offset, error.Offset);
    }

    public static void Rejects(RawGguf raw, long offset, string problem) => Rejects(raw.ToArray(), offset, problem);
}
