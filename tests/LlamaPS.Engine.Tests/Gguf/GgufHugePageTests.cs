using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>
/// <see cref="GgufFile.MapWithHugePages"/>: whatever the system gives, the mapping keeps reading the file's bytes,
/// also after the page cache was dropped and read again, and the answer is a whole number of 2 MiB pages within the range.
/// </summary>
public sealed unsafe class GgufHugePageTests : IDisposable
{
    private const int PageSize = 2 << 20;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MappedBytesStayTheFilesBytes()
    {
        // A GGUF followed by 10 MiB of random bytes, written 4 KiB at a time and synced, so the page cache holds it
        // clean in small folios: the case where the mapping is dropped and read again.
        byte[] bytes = [.. SampleGguf.Bytes(), .. RandomBytes(10 << 20)];
        string path = _temp.PathOf("model.gguf");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096))
        {
            for (int i = 0; i < bytes.Length; i += 4096) stream.Write(bytes, i, Math.Min(4096, bytes.Length - i));
            stream.Flush(flushToDisk: true);
        }
        using var file = GgufFile.Open(path);
        byte* start = file.GetDataPointer(file.Tensors[0]);
        long offset = file.Tensors[0].FileOffset, length = bytes.Length - offset;

        long huge = file.MapWithHugePages(start, length);

        Assert.InRange(huge, 0, length);
        Assert.Equal(0, huge % PageSize);
        Assert.True(new ReadOnlySpan<byte>(start, (int)length).SequenceEqual(bytes.AsSpan((int)offset)), "the mapping no longer reads the file's bytes");
    }

    [Fact]
    public void RangeOutsideTheFileIsRefused()
    {
        using var file = GgufFile.Open(_temp.Write("model.gguf", SampleGguf.Bytes()));
        byte* start = file.GetDataPointer(file.Tensors[0]);
        long rest = file.Length - file.Tensors[0].FileOffset;
        Assert.Throws<ArgumentOutOfRangeException>(() => file.MapWithHugePages(start, rest + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => file.MapWithHugePages(start - file.Tensors[0].FileOffset - 1, 1));
        Assert.Equal(0, file.MapWithHugePages(start, rest)); // less than one 2 MiB page
    }

    [Fact]
    public void DisposedFileIsRefused()
    {
        var file = GgufFile.Open(_temp.Write("model.gguf", SampleGguf.Bytes()));
        byte* start = file.GetDataPointer(file.Tensors[0]);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.MapWithHugePages(start, 1));
    }

    private static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        new Random(7).NextBytes(b);
        return b;
    }
}
