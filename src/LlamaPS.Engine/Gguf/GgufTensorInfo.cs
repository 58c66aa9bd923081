namespace LlamaPS.Engine.Gguf;

/// <summary>
/// One tensor's header. <see cref="Dimensions"/> is in ggml order: ne[0] is the contiguous (row) dimension, so a
/// weight of shape [rows=out, cols=in] as llama2.c writes it has Dimensions = { in, out }.
/// </summary>
public sealed class GgufTensorInfo
{
    internal GgufTensorInfo(string name, GgmlType type, long[] dimensions, long dataOffset, long fileOffset, long byteSize)
    {
        Name = name;
        Type = type;
        Dimensions = dimensions;
        DataOffset = dataOffset;
        FileOffset = fileOffset;
        ByteSize = byteSize;
    }

    public string Name { get; }
    public GgmlType Type { get; }
    public IReadOnlyList<long> Dimensions { get; }
    /// <summary>Offset relative to the start of the tensor data section, as stored in the file.</summary>
    public long DataOffset { get; }
    /// <summary>Absolute offset of the first byte in the file.</summary>
    public long FileOffset { get; }
    public long ByteSize { get; }

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Dimensions) n *= d;
            return n;
        }
    }

    /// <summary>Elements per row: ne[0].</summary>
    public long RowLength => Dimensions.Count > 0 ? Dimensions[0] : 1;

    /// <summary>Number of rows: the product of ne[1..].</summary>
    public long RowCount => RowLength == 0 ? 0 : ElementCount / RowLength;

    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Dimensions)}]";
}
