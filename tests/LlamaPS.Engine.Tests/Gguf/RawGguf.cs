using System.Text;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>
/// Builds GGUF bytes field by field, including fields no valid file has, for the reader's malformed-file tests.
/// <see cref="Position"/> before a field is that field's offset, which the tests expect in the reader's errors.
/// </summary>
public sealed class RawGguf
{
    private readonly MemoryStream _bytes = new();
    private readonly BinaryWriter _writer;

    private RawGguf()
    {
        _writer = new BinaryWriter(_bytes);
    }

    public long Position => _bytes.Position;

    /// <summary>Magic, version and the two counts; the tensor count is at offset 8 and the metadata count at 16.</summary>
    public static RawGguf Header(ulong tensorCount, ulong kvCount, uint version = 3) =>
        new RawGguf().Raw("GGUF"u8).U32(version).U64(tensorCount).U64(kvCount);

    public static RawGguf Empty() => new();

    public RawGguf Raw(ReadOnlySpan<byte> bytes) { _writer.Write(bytes); return this; }
    public RawGguf U8(byte value) { _writer.Write(value); return this; }
    public RawGguf U32(uint value) { _writer.Write(value); return this; }
    public RawGguf U64(ulong value) { _writer.Write(value); return this; }

    public RawGguf Str(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return U64((ulong)utf8.Length).Raw(utf8);
    }

    /// <summary>A key and its value type id; the caller writes the value.</summary>
    public RawGguf Key(string key, GgufValueType type) => Str(key).U32((uint)type);

    /// <summary>A tensor info with the dimensions in ggml order.</summary>
    public RawGguf Tensor(string name, GgmlType type, ulong offset, params ulong[] dims)
    {
        Str(name).U32((uint)dims.Length);
        foreach (ulong d in dims) U64(d);
        return U32((uint)type).U64(offset);
    }

    public RawGguf Zeros(long count) => Raw(new byte[count]);

    public RawGguf PadTo(int alignment) => Zeros((alignment - Position % alignment) % alignment);

    public byte[] ToArray() => _bytes.ToArray();
}
