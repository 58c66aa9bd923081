using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>Files written by <see cref="GgufWriter"/> read back through <see cref="GgufFile"/> exactly as written.</summary>
public sealed class GgufWriterRoundTripTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(3u, false)]
    [InlineData(3u, true)]
    [InlineData(2u, false)]
    public void SampleRoundTripsMetadataShapesOffsetsAndBytes(uint version, bool streamed)
    {
        string path = _temp.PathOf("sample.gguf");
        SampleGguf.CreateWriter(version, streamed).WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.Equal(version, file.Version);
        Assert.Equal(SampleGguf.Metadata.Select(m => m.Key), file.Metadata.Keys);
        foreach (var (key, value) in SampleGguf.Metadata) GgufValueAssert.Equal(value, file.Metadata[key], key);

        Assert.Equal(32, file.Alignment);
        Assert.Equal(0, file.DataStart % 32);
        Assert.Equal(SampleGguf.Tensors.Length, file.Tensors.Count);
        long expectedOffset = 0;
        for (int i = 0; i < SampleGguf.Tensors.Length; i++)
        {
            var (name, type, dims) = SampleGguf.Tensors[i];
            byte[] data = SampleGguf.DataOf(i);
            GgufTensorInfo tensor = file.Tensors[i];
            Assert.Equal(name, tensor.Name);
            Assert.Same(tensor, file.GetTensor(name));
            Assert.Equal(type, tensor.Type);
            Assert.Equal(dims, tensor.Dimensions);
            Assert.Equal(expectedOffset, tensor.DataOffset);
            Assert.Equal(file.DataStart + expectedOffset, tensor.FileOffset);
            Assert.Equal(data.Length, tensor.ByteSize);
            Assert.Equal(data, file.GetData(tensor).ToArray());
            expectedOffset += (data.Length + 31) / 32 * 32;
        }
        Assert.Equal(file.DataStart + expectedOffset, file.Length);
    }

    [Fact]
    public void SingleTensorFileHasTheExactGgufLayout()
    {
        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8];
        var writer = new GgufWriter();
        writer.AddMetadata("k", 7u);
        writer.AddTensor("t", GgmlType.F32, [2], data);
        using var output = new MemoryStream();
        writer.WriteTo(output);

        byte[] expected = RawGguf.Header(tensorCount: 1, kvCount: 1).Key("k", GgufValueType.UInt32).U32(7)
            .Tensor("t", GgmlType.F32, 0, 2).PadTo(32).Raw(data).PadTo(32).ToArray();
        Assert.Equal(expected, output.ToArray());
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(64u)]
    [InlineData(4096u)]
    public void GeneralAlignmentSetsDataStartTensorOffsetsAndZeroPadding(uint alignment)
    {
        var writer = new GgufWriter();
        writer.AddMetadata("general.alignment", alignment);
        writer.AddTensor("x", GgmlType.F16, [3], new byte[] { 1, 2, 3, 4, 5, 6 });
        writer.AddTensor("y", GgmlType.Q4_0, [32, 2], Enumerable.Repeat((byte)0xAB, 36).ToArray());
        string path = _temp.PathOf("aligned.gguf");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.Equal((int)alignment, file.Alignment);
        Assert.Equal(0, file.DataStart % alignment);
        long expectedY = (6 + alignment - 1) / alignment * alignment;
        Assert.Equal(expectedY, file.GetTensor("y").DataOffset);
        Assert.Equal(file.DataStart + expectedY + (36 + alignment - 1) / alignment * alignment, file.Length);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.All(bytes[(int)(file.DataStart + 6)..(int)(file.DataStart + expectedY)], b => Assert.Equal(0, b));
        Assert.Equal(Enumerable.Repeat((byte)0xAB, 36), file.GetData(file.GetTensor("y")).ToArray());
    }

    [Fact]
    public void PlainClrArraysAreWrittenAsGgufArraysOfTheMatchingType()
    {
        var writer = new GgufWriter();
        writer.AddMetadata("tokens", new[] { "a", "b" });
        writer.AddMetadata("scores", new[] { 0.5f, -1f });
        writer.AddMetadata("types", new[] { 1, 2 });
        writer.AddMetadata("nested", new[] { new GgufArray(GgufValueType.UInt8, new byte[] { 9 }) });
        string path = _temp.PathOf("plain.gguf");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        GgufValueAssert.Equal(new GgufArray(GgufValueType.String, new[] { "a", "b" }), file.Metadata["tokens"], "tokens");
        GgufValueAssert.Equal(new GgufArray(GgufValueType.Float32, new[] { 0.5f, -1f }), file.Metadata["scores"], "scores");
        GgufValueAssert.Equal(new GgufArray(GgufValueType.Int32, new[] { 1, 2 }), file.Metadata["types"], "types");
        GgufValueAssert.Equal(
            new GgufArray(GgufValueType.Array, new[] { new GgufArray(GgufValueType.UInt8, new byte[] { 9 }) }), file.Metadata["nested"], "nested");
    }

    [Fact]
    public void MetadataReadFromAFileCanBeWrittenToAnother()
    {
        string first = _temp.PathOf("first.gguf"), second = _temp.PathOf("second.gguf");
        SampleGguf.CreateWriter().WriteTo(first);
        var copy = new GgufWriter();
        using (var file = GgufFile.Open(first))
        {
            foreach (string key in file.Metadata.Keys) copy.AddMetadata(key, file.Metadata[key]);
        }
        copy.WriteTo(second);

        using var reread = GgufFile.Open(second);
        foreach (var (key, value) in SampleGguf.Metadata) GgufValueAssert.Equal(value, reread.Metadata[key], key);
    }

    [Fact]
    public void CopyOfKeepsMetadataOrderAndTensorBytes_DropsNamedKeys_AndTakesNewOnes()
    {
        string first = _temp.PathOf("first.gguf"), second = _temp.PathOf("second.gguf");
        SampleGguf.CreateWriter().WriteTo(first);
        string dropped = SampleGguf.Metadata[1].Key;
        using (var source = GgufFile.Open(first))
        {
            var copy = GgufWriter.CopyOf(source, dropped);
            copy.AddMetadata("added", "value");
            copy.WriteTo(second);
        }

        using var original = GgufFile.Open(first);
        using var reread = GgufFile.Open(second);
        Assert.Equal(original.Metadata.Keys.Where(k => k != dropped).Append("added"), reread.Metadata.Keys);
        foreach (var (key, value) in SampleGguf.Metadata.Where(m => m.Key != dropped)) GgufValueAssert.Equal(value, reread.Metadata[key], key);
        Assert.Equal("value", reread.Metadata.GetString("added"));
        Assert.Equal(original.Tensors.Select(t => (t.Name, t.Type, t.DataOffset)), reread.Tensors.Select(t => (t.Name, t.Type, t.DataOffset)));
        foreach (var tensor in original.Tensors) Assert.Equal(original.GetData(tensor).ToArray(), reread.GetData(reread.GetTensor(tensor.Name)).ToArray());
    }

    [Fact]
    public void WritingToAStreamGivesTheSameBytesAsWritingToAPath()
    {
        string path = _temp.PathOf("same.gguf");
        SampleGguf.CreateWriter().WriteTo(path);
        Assert.Equal(SampleGguf.Bytes(), File.ReadAllBytes(path));
    }

    [Fact]
    public void WritingReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        string path = _temp.Write("model.gguf", [1, 2, 3]);
        SampleGguf.CreateWriter().WriteTo(path);
        using (var file = GgufFile.Open(path)) Assert.Equal(SampleGguf.Tensors.Length, file.Tensors.Count);
        Assert.Equal([path], Directory.GetFiles(_temp.Root));
    }

    [Fact]
    public void ZeroElementTensorRoundTrips()
    {
        var writer = new GgufWriter();
        writer.AddTensor("empty", GgmlType.Q8_0, [0, 4], ReadOnlyMemory<byte>.Empty);
        writer.AddTensor("after", GgmlType.F32, [1], new byte[] { 1, 2, 3, 4 });
        string path = _temp.PathOf("zero.gguf");
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        Assert.Equal(0, file.GetTensor("empty").ByteSize);
        Assert.Equal(0, file.GetTensor("after").DataOffset);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, file.GetData(file.GetTensor("after")).ToArray());
    }

    /// <summary>
    /// Streams 96 MiB of tensor data through callbacks that reuse one buffer: the writer must pass it through rather
    /// than collect it, which is what lets it write multi-gigabyte benchmark models.
    /// </summary>
    [Fact]
    public void StreamedTensorDataIsNotHeldInMemory()
    {
        const int rows = 12 * 1024, rowLength = 2048; // 48 MiB of F16 per tensor
        byte[] chunk = new byte[rowLength * 2];
        var writer = new GgufWriter();
        foreach (string name in new[] { "blk.0.w", "blk.1.w" })
        {
            writer.AddTensor(name, GgmlType.F16, [rowLength, rows], output =>
            {
                for (int r = 0; r < rows; r++)
                {
                    chunk.AsSpan().Fill((byte)r);
                    output.Write(chunk);
                }
            });
        }
        string path = _temp.PathOf("big.gguf");

        long before = GC.GetAllocatedBytesForCurrentThread();
        writer.WriteTo(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 8 << 20, $"writing 96 MiB of streamed tensor data allocated {allocated} bytes");
        using var file = GgufFile.Open(path);
        GgufTensorInfo last = file.GetTensor("blk.1.w");
        Assert.Equal(2L * rows * rowLength * 2 + file.DataStart, file.Length);
        Assert.Equal(unchecked((byte)(rows - 1)), file.GetData(last)[^1]);
    }
}
