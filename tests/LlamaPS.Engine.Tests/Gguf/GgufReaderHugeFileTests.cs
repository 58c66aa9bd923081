using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>
/// Counts and lengths that a multi-gigabyte file could hold, made with sparse files that take no disk space: the
/// reader must still not size allocations by them nor overflow the 32-bit lengths of .NET arrays and spans.
/// </summary>
public sealed class GgufReaderHugeFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MetadataCountAboveInt32MaxThatTheFileCouldHold()
    {
        // Key-values of zero bytes parse as the empty key; the second one is the duplicate that ends the parse.
        string path = Sparse(RawGguf.Header(0, 3_000_000_000), 40L << 30);
        AssertRejected(path, 24 + 13, "duplicate metadata key ''");
    }

    [Fact]
    public void TensorCountAboveInt32MaxThatTheFileCouldHold()
    {
        string path = Sparse(RawGguf.Header(3_000_000_000, 0), 80L << 30);
        AssertRejected(path, 32, "tensor '' has 0 dimensions");
    }

    [Theory]
    [InlineData(GgufValueType.UInt8, 3_000_000_000UL)]
    [InlineData(GgufValueType.Float64, 300_000_000UL)]
    [InlineData(GgufValueType.String, 300_000_000UL)]
    public void ArrayWhoseSizeExceeds2GiB(GgufValueType elementType, ulong count)
    {
        var raw = RawGguf.Header(0, 1).Key("a", GgufValueType.Array).U32((uint)elementType);
        long at = raw.Position;
        string path = Sparse(raw.U64(count), 4L << 30);
        AssertRejected(path, at, $"array of {count} {elementType} elements is larger than");
    }

    [Fact]
    public void StringLongerThanAnyStringCanBe()
    {
        var raw = RawGguf.Header(0, 1).Key("k", GgufValueType.String);
        long at = raw.Position;
        string path = Sparse(raw.U64(3_000_000_000), 4L << 30);
        AssertRejected(path, at, "string length 3000000000 is larger than");
    }

    private string Sparse(RawGguf header, long length)
    {
        string path = _temp.PathOf("huge.gguf");
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(header.ToArray());
        stream.SetLength(length);
        return path;
    }

    private static void AssertRejected(string path, long offset, string problem)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        GgufFormatException error = MalformedGguf.OpenFails(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(problem, error.Problem);
        Assert.Equal(offset, error.Offset);
        Assert.True(allocated < 1 << 20, $"rejecting the file allocated {allocated} bytes");
    }
}
