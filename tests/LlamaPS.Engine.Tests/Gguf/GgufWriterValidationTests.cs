using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary><see cref="GgufWriter"/> refuses, with a message naming what is wrong, anything that would not read back.</summary>
public sealed class GgufWriterValidationTests
{
    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void RejectsVersionsOtherThan2And3(uint version) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter(version));

    [Fact]
    public void RejectsDuplicateMetadataKey()
    {
        var writer = new GgufWriter();
        writer.AddMetadata("general.name", "a");
        var error = Assert.Throws<ArgumentException>(() => writer.AddMetadata("general.name", "b"));
        Assert.Contains("'general.name' was already added", error.Message);
    }

    public static TheoryData<object> UnstorableValues() => new()
    {
        3.5m,
        'c',
        new object[] { 1 },
        new int[2, 2],
        new[] { "a", null! },
        new GgufArray(GgufValueType.Int32, new uint[] { 1 }),
        new GgufArray(GgufValueType.Array, new GgufArray?[] { null }),
    };

    [Theory]
    [MemberData(nameof(UnstorableValues))]
    public void RejectsValuesGgufCannotStore(object value)
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddMetadata("test.key", value));
        Assert.Contains("'test.key'", error.Message);
    }

    [Fact]
    public void RejectsNullValue() => Assert.Throws<ArgumentNullException>(() => new GgufWriter().AddMetadata("k", null!));

    [Theory]
    [InlineData(15, true)]
    [InlineData(16, false)]
    public void AcceptsArraysNestedAsDeepAsTheReaderReads(int extraLevels, bool accepted)
    {
        var array = new GgufArray(GgufValueType.UInt8, new byte[] { 1 });
        for (int i = 0; i < extraLevels; i++) array = new GgufArray(GgufValueType.Array, new[] { array });
        var writer = new GgufWriter();
        if (accepted) writer.AddMetadata("deep", array);
        else Assert.Throws<ArgumentException>(() => writer.AddMetadata("deep", array));
    }

    public static TheoryData<object> BadAlignments() => new() { 0u, 3u, 48u, 2u << 20, 32, 32UL };

    [Theory]
    [MemberData(nameof(BadAlignments))]
    public void RejectsAlignmentThatIsNotAPowerOfTwoUInt32(object alignment)
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddMetadata("general.alignment", alignment));
        Assert.Contains("general.alignment", error.Message);
    }

    [Fact]
    public void RejectsDuplicateTensorName()
    {
        var writer = new GgufWriter();
        writer.AddTensor("w", GgmlType.F32, [1], new byte[4]);
        var error = Assert.Throws<ArgumentException>(() => writer.AddTensor("w", GgmlType.F32, [1], new byte[4]));
        Assert.Contains("'w' was already added", error.Message);
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 48L)]
    [InlineData(GgmlType.Q4_K, 128L)]
    [InlineData(GgmlType.IQ4_XS, 32L)]
    public void RejectsRowLengthThatIsNotAMultipleOfTheBlockSize(GgmlType type, long rowLength)
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("w", type, [rowLength, 2], new byte[1]));
        Assert.Contains($"row length {rowLength} is not a multiple of the {type} block size", error.Message);
    }

    [Theory]
    [InlineData(GgmlType.F32, 31)]
    [InlineData(GgmlType.F32, 33)]
    [InlineData(GgmlType.Q8_0, 0)]
    public void RejectsDataWhoseLengthIsNotTheTensorSize(GgmlType type, int length)
    {
        // [32, 1]: 128 bytes as F32, 34 as Q8_0
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("w", type, [32, 1], new byte[length]));
        Assert.Contains($"{length} bytes given", error.Message);
    }

    [Fact]
    public void RejectsUnknownTensorType() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter().AddTensor("w", (GgmlType)99, [1], new byte[4]));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void RejectsDimensionCountOutside1To4(int count) =>
        Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("w", GgmlType.F32, new long[count].Select(_ => 1L).ToArray(), new byte[4]));

    [Fact]
    public void RejectsNegativeDimension() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter().AddTensor("w", GgmlType.F32, [4, -1], ReadOnlyMemory<byte>.Empty));

    [Theory]
    [InlineData(GgmlType.I8, 1L << 32, 1L << 32)] // element count overflows
    [InlineData(GgmlType.F64, 1L << 61, 1L)]      // elements fit, bytes do not
    public void RejectsShapeThatOverflows(GgmlType type, long rowLength, long rows)
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("w", type, [rowLength, rows], _ => { }));
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void RejectsTensorNameThatGgmlCannotHold()
    {
        new GgufWriter().AddTensor(new string('n', 63), GgmlType.F32, [1], new byte[4]);
        Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor(new string('n', 64), GgmlType.F32, [1], new byte[4]));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void DataCallbackMustWriteExactlyTheTensorSize(int written)
    {
        var writer = new GgufWriter();
        writer.AddTensor("w", GgmlType.F16, [4], output => output.Write(new byte[written]));
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteTo(Stream.Null));
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void FailedWriteLeavesNoFileBehind()
    {
        using var temp = new TempDirectory();
        var writer = new GgufWriter();
        writer.AddTensor("w", GgmlType.F32, [1], _ => throw new IOException("generator failed"));
        Assert.Throws<IOException>(() => writer.WriteTo(temp.PathOf("model.gguf")));
        Assert.Empty(Directory.GetFiles(temp.Root));
    }
}
