using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>
/// Malformed files fail with <see cref="GgufFormatException"/> at the offset of the offending field, and counts the
/// file cannot hold are refused before anything is allocated for them.
/// </summary>
public sealed class GgufReaderMalformedTests
{
    private const ulong Huge = 1UL << 62;

    [Fact]
    public void EmptyFile() => MalformedGguf.Rejects([], 0, "file is empty");

    [Fact]
    public void BadMagic() => MalformedGguf.Rejects(RawGguf.Empty().Raw("GGML"u8).U32(3).U64(0).U64(0), 0, "bad magic");

    [Fact]
    public void Version1IsObsolete() => MalformedGguf.Rejects(RawGguf.Header(0, 0, version: 1), 4, "version 1 is obsolete");

    [Theory]
    [InlineData(0u)]
    [InlineData(4u)]
    [InlineData(uint.MaxValue)]
    public void UnknownVersion(uint version) => MalformedGguf.Rejects(RawGguf.Header(0, 0, version), 4, $"unknown GGUF version {version}");

    [Fact]
    public void BigEndianFileIsRecognised()
    {
        byte[] bytes = RawGguf.Empty().Raw("GGUF"u8).Raw([0, 0, 0, 3]).Zeros(16).ToArray();
        MalformedGguf.Rejects(bytes, 4, "(a big-endian file?)");
    }

    [Fact]
    public void HugeMetadataCount() => AssertFailsWithoutAllocating(RawGguf.Header(0, Huge), 16, $"metadata count {Huge}");

    [Fact]
    public void HugeTensorCount() => AssertFailsWithoutAllocating(RawGguf.Header(Huge, 0), 8, $"tensor count {Huge}");

    [Fact]
    public void HugeKeyLength() => AssertFailsWithoutAllocating(RawGguf.Header(0, 1).U64(Huge).Zeros(12), 24, $"string length {Huge}");

    [Fact]
    public void HugeStringValueLength()
    {
        var raw = RawGguf.Header(0, 1).Key("k", GgufValueType.String);
        long at = raw.Position;
        AssertFailsWithoutAllocating(raw.U64(Huge), at, $"string length {Huge}");
    }

    [Theory]
    [InlineData(GgufValueType.UInt8)]
    [InlineData(GgufValueType.Bool)]
    [InlineData(GgufValueType.Float64)]
    [InlineData(GgufValueType.String)]
    [InlineData(GgufValueType.Array)]
    public void HugeArrayCount(GgufValueType elementType)
    {
        var raw = RawGguf.Header(0, 1).Key("a", GgufValueType.Array).U32((uint)elementType);
        long at = raw.Position;
        AssertFailsWithoutAllocating(raw.U64(Huge).Zeros(64), at, $"array of {Huge} {elementType} elements");
    }

    [Fact]
    public void StringArrayCountedByBytesNotByStrings()
    {
        // 16 bytes remain: room for 16 one-byte items but only 2 strings, so 3 strings must be refused at the count.
        var raw = RawGguf.Header(0, 1).Key("a", GgufValueType.Array).U32((uint)GgufValueType.String);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(3).Zeros(16), at, "array of 3 String elements");
    }

    [Fact]
    public void UnknownMetadataValueType()
    {
        var raw = RawGguf.Header(0, 1).Str("k");
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U32(13).U64(0), at, "unknown metadata value type 13");
    }

    [Fact]
    public void UnknownArrayElementType()
    {
        var raw = RawGguf.Header(0, 1).Key("a", GgufValueType.Array);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U32(77).U64(0), at, "unknown array element type 77");
    }

    [Fact]
    public void BoolThatIsNeither0Nor1()
    {
        var raw = RawGguf.Header(0, 1).Key("b", GgufValueType.Bool);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U8(2), at, "bool value 2 is neither 0 nor 1");
    }

    [Fact]
    public void BoolArrayItemThatIsNeither0Nor1()
    {
        var raw = RawGguf.Header(0, 1).Key("b", GgufValueType.Array).U32((uint)GgufValueType.Bool).U64(3).U8(1).U8(0);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U8(255), at, "bool value 255");
    }

    [Fact]
    public void DuplicateMetadataKey()
    {
        var raw = RawGguf.Header(0, 2).Key("general.name", GgufValueType.UInt8).U8(1);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.Key("general.name", GgufValueType.UInt8).U8(2), at, "duplicate metadata key 'general.name'");
    }

    [Fact]
    public void ArraysNestedTooDeep()
    {
        var raw = RawGguf.Header(0, 1).Key("deep", GgufValueType.Array);
        for (int level = 0; level < 16; level++) raw.U32((uint)GgufValueType.Array).U64(1);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U32((uint)GgufValueType.UInt8).U64(0), at, "arrays nested deeper than 16");
    }

    public static TheoryData<GgufValueType, ulong, string> BadAlignments() => new()
    {
        { GgufValueType.UInt32, 0, "got 0" },
        { GgufValueType.UInt32, 48, "got 48" },
        { GgufValueType.UInt32, 2 << 20, "got 2097152" },
        { GgufValueType.Int32, 32, "got 32 (Int32)" },
        { GgufValueType.UInt64, 32, "got 32 (UInt64)" },
    };

    [Theory]
    [MemberData(nameof(BadAlignments))]
    public void BadGeneralAlignment(GgufValueType type, ulong value, string problem)
    {
        var raw = RawGguf.Header(0, 2).Key("general.name", GgufValueType.String).Str("x");
        long at = raw.Position;
        raw.Key("general.alignment", type);
        if (type == GgufValueType.UInt64) raw.U64(value);
        else raw.U32((uint)value);
        MalformedGguf.Rejects(raw, at, problem);
    }

    [Fact]
    public void DuplicateTensorName()
    {
        var raw = RawGguf.Header(2, 0).Tensor("w", GgmlType.F32, 0, 8);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.Tensor("w", GgmlType.F32, 32, 8).PadTo(32).Zeros(64), at, "duplicate tensor name 'w'");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void DimensionCountOutside1To4(int count)
    {
        var raw = RawGguf.Header(1, 0).Str("w");
        long at = raw.Position;
        raw.U32((uint)count);
        for (int d = 0; d < count; d++) raw.U64(1);
        MalformedGguf.Rejects(raw.U32((uint)GgmlType.F32).U64(0).PadTo(32).Zeros(32), at, $"has {count} dimensions");
    }

    [Fact]
    public void ShapeWhoseElementCountOverflows()
    {
        var raw = RawGguf.Header(1, 0).Str("w").U32(3).U64(1UL << 32);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(1UL << 32).U64(1).U32((uint)GgmlType.I8).U64(0), at, "tensor 'w' shape [4294967296, 4294967296] overflows");
    }

    [Fact]
    public void DimensionAboveInt64Max()
    {
        var raw = RawGguf.Header(1, 0).Str("w").U32(2).U64(1);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(ulong.MaxValue).U32((uint)GgmlType.I8).U64(0), at, "dimension 1 = 18446744073709551615 overflows");
    }

    [Fact]
    public void ByteSizeOverflowsThoughElementCountDoesNot()
    {
        // 2^61 F64 elements fit a long; their 2^64 bytes do not.
        var raw = RawGguf.Header(1, 0).Str("w").U32(1).U64(1UL << 61).U32((uint)GgmlType.F64);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(0).PadTo(32), at, "tensor 'w' size overflows");
    }

    [Theory]
    [InlineData(99u)]
    [InlineData(4u)]
    [InlineData(uint.MaxValue)]
    public void UnknownTensorType(uint typeId)
    {
        var raw = RawGguf.Header(1, 0).Str("w").U32(1).U64(32);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U32(typeId).U64(0).PadTo(32).Zeros(128), at, $"tensor 'w' has unknown type id {typeId}");
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 48UL, 32)]
    [InlineData(GgmlType.Q6_K, 128UL, 256)]
    public void RowLengthNotAMultipleOfTheBlockSize(GgmlType type, ulong rowLength, int blockSize)
    {
        var raw = RawGguf.Header(1, 0).Str("w").U32(2);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(rowLength).U64(1).U32((uint)type).U64(0).PadTo(32).Zeros(1024), at,
            $"row length {rowLength} is not a multiple of the {type} block size {blockSize}");
    }

    [Theory]
    [InlineData(null, 16UL)]
    [InlineData(64u, 32UL)]
    public void TensorOffsetNotAligned(uint? alignment, ulong offset)
    {
        var raw = RawGguf.Header(1, alignment is null ? 0UL : 1UL);
        if (alignment is uint a) raw.Key("general.alignment", GgufValueType.UInt32).U32(a);
        raw.Str("w").U32(1).U64(1).U32((uint)GgmlType.F32);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(offset).PadTo(64).Zeros(128), at, $"data offset {offset} is not aligned to {alignment ?? 32}");
    }

    [Theory]
    [InlineData(0UL, 31)]
    [InlineData(32UL, 63)]
    [InlineData(1UL << 40, 4096)]
    public void TensorDataBeyondTheEndOfTheFile(ulong offset, int dataBytes)
    {
        var raw = RawGguf.Header(1, 0).Str("w").U32(1).U64(8).U32((uint)GgmlType.F32);
        long at = raw.Position;
        MalformedGguf.Rejects(raw.U64(offset).PadTo(32).Zeros(dataBytes), at, $"tensor 'w' data [{offset}, +32) lies outside");
    }

    [Fact]
    public void SecondTensorOverlappingTheEndIsNamed()
    {
        var raw = RawGguf.Header(2, 0).Tensor("a", GgmlType.F32, 0, 8);
        long at = raw.Position;
        raw.Str("b").U32(1).U64(8).U32((uint)GgmlType.F32);
        long offsetAt = raw.Position;
        Assert.True(offsetAt > at);
        MalformedGguf.Rejects(raw.U64(32).PadTo(32).Zeros(32 + 31), offsetAt, "tensor 'b' data [32, +32)");
    }

    private static void AssertFailsWithoutAllocating(RawGguf raw, long offset, string problem)
    {
        byte[] bytes = raw.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        MalformedGguf.Rejects(bytes, offset, problem);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"rejecting the file allocated {allocated} bytes");
    }
}
