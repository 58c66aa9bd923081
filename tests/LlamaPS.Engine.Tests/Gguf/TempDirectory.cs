namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>A fresh folder under the system temp folder for one test's files, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Directory.CreateTempSubdirectory("llamaps-gguf-").FullName;
    }

    public string Root { get; }

    public string PathOf(string fileName) => Path.Combine(Root, fileName);

    public string Write(string fileName, byte[] bytes)
    {
        string path = PathOf(fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
