using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>Opening a missing file, and what <see cref="GgufFile.Dispose"/> gives back.</summary>
public sealed class GgufFileLifetimeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => GgufFile.Open(_temp.PathOf("absent.gguf")));

    [Fact]
    public void DisposeUnmapsTheFile()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads the process's mappings from /proc/self/maps");
        string path = _temp.Write("model.gguf", SampleGguf.Bytes());
        var file = GgufFile.Open(path);
        Assert.Contains(path, File.ReadAllText("/proc/self/maps"));
        file.Dispose();
        Assert.DoesNotContain(path, File.ReadAllText("/proc/self/maps"));
    }

    [Fact]
    public void DisposedFileCanBeOverwrittenExclusivelyAndDeleted()
    {
        string path = _temp.Write("model.gguf", SampleGguf.Bytes());
        using (GgufFile.Open(path))
        {
            // While mapped, the file holds a shared lock that an exclusive writer is refused.
            Assert.Throws<IOException>(() => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None));
        }
        using (var exclusive = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None)) exclusive.Write([1, 2, 3]);
        Assert.Equal(3, new FileInfo(path).Length);
        File.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public unsafe void DisposedFileRefusesDataAccess()
    {
        var file = GgufFile.Open(_temp.Write("model.gguf", SampleGguf.Bytes()));
        GgufTensorInfo tensor = file.Tensors[0];
        file.Dispose();
        file.Dispose(); // a second dispose is harmless
        Assert.Throws<ObjectDisposedException>(() => file.GetData(tensor).Length);
        Assert.Throws<ObjectDisposedException>(() => (nint)file.GetDataPointer(tensor));
    }
}
