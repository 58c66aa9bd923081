using System.Buffers.Binary;
using System.Text;

namespace LlamaPS.Engine.Gguf;

/// <summary>
/// Parses the GGUF header (key-values and tensor infos) from a byte range, checking every count and length against
/// the bytes that remain before trusting it, so that no allocation is sized by a number the file made up.
/// </summary>
internal sealed unsafe class GgufReader
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    internal const int MaxDimensions = 4;  // GGML_MAX_DIMS
    internal const int MaxArrayDepth = 16; // nested arrays deeper than this are not real files
    // Far beyond any real key, token or chat template, and within .NET's limit of about 2^30 characters a string.
    private const int MaxStringBytes = 256 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte* _data;
    private readonly long _length;
    private readonly string _path;
    private long _pos;

    private GgufReader(byte* data, long length, string path)
    {
        _data = data;
        _length = length;
        _path = path;
    }

    public sealed record Header(uint Version, int Alignment, GgufMetadata Metadata, IReadOnlyList<GgufTensorInfo> Tensors, long DataStart);

    public static Header Parse(byte* data, long length, string path) => new GgufReader(data, length, path).ParseHeader();

    private Header ParseHeader()
    {
        if (_length < 4) throw Error(0, $"file is {_length} bytes, too short for the GGUF magic");
        uint magic = ReadUInt32();
        if (magic != Magic)
            throw Error(0, $"bad magic 0x{magic:X8}, expected 'GGUF'");
        long versionAt = _pos;
        uint version = ReadUInt32();
        if (version == 1) throw Error(versionAt, "GGUF version 1 is obsolete and not supported");
        if (version is not (2 or 3))
        {
            string hint = BinaryPrimitives.ReverseEndianness(version) is 2 or 3 ? " (a big-endian file?)" : "";
            throw Error(versionAt, $"unknown GGUF version {version}{hint}");
        }

        long countsAt = _pos;
        ulong tensorCount = ReadUInt64();
        ulong kvCount = ReadUInt64();
        // Each key-value needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+4+8.
        if (kvCount > (ulong)Remaining / 13) throw Error(countsAt + 8, $"metadata count {kvCount} exceeds what the file can hold");
        if (tensorCount > (ulong)Remaining / 24) throw Error(countsAt, $"tensor count {tensorCount} exceeds what the file can hold");

        // Not presized by the counts: a multi-gigabyte file has room for billions of entries it does not contain.
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var order = new List<string>();
        long alignmentAt = 0;
        for (ulong i = 0; i < kvCount; i++)
        {
            long keyAt = _pos;
            string key = ReadString();
            long typeAt = _pos;
            var type = (GgufValueType)ReadUInt32();
            object value = ReadValue(type, typeAt, depth: 0);
            if (!values.TryAdd(key, value)) throw Error(keyAt, $"duplicate metadata key '{key}'");
            if (key == GgufAlignment.Key) alignmentAt = keyAt;
            order.Add(key);
        }
        var metadata = new GgufMetadata(values, order);

        int alignment = GgufAlignment.Default;
        if (values.TryGetValue(GgufAlignment.Key, out object? alignValue))
        {
            if (alignValue is not uint a || !GgufAlignment.IsValid(a))
                throw Error(alignmentAt, $"{GgufAlignment.Key} must be a power-of-two uint32 of at most {GgufAlignment.Max}, got {alignValue} ({alignValue.GetType().Name})");
            alignment = (int)a;
        }

        var infos = new List<(string Name, GgmlType Type, long[] Dims, ulong Offset, long At)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            long at = _pos;
            string name = ReadString();
            if (!names.Add(name)) throw Error(at, $"duplicate tensor name '{name}'");
            long dimsAt = _pos;
            uint nDims = ReadUInt32();
            if (nDims == 0 || nDims > MaxDimensions) throw Error(dimsAt, $"tensor '{name}' has {nDims} dimensions (1 to {MaxDimensions} allowed)");
            var dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++)
            {
                long dimAt = _pos;
                ulong ne = ReadUInt64();
                if (ne > long.MaxValue) throw Error(dimAt, $"tensor '{name}' dimension {d} = {ne} overflows");
                dims[d] = (long)ne;
                try { elements = checked(elements * (long)ne); }
                catch (OverflowException) { throw Error(dimAt, $"tensor '{name}' shape [{string.Join(", ", dims.Take(d + 1))}] overflows"); }
            }
            long typeAt = _pos;
            uint typeId = ReadUInt32();
            var type = (GgmlType)typeId;
            if (!GgmlTypeTraits.TryGetBlock(type, out int blockSize, out _))
                throw Error(typeAt, $"tensor '{name}' has unknown type id {typeId}");
            if (dims[0] % blockSize != 0)
                throw Error(dimsAt + 4, $"tensor '{name}' row length {dims[0]} is not a multiple of the {type} block size {blockSize}");
            long offsetAt = _pos;
            ulong offset = ReadUInt64();
            if (offset % (ulong)alignment != 0) throw Error(offsetAt, $"tensor '{name}' data offset {offset} is not aligned to {alignment}");
            infos.Add((name, type, dims, offset, offsetAt));
        }

        long dataStart = GgufAlignment.AlignUp(_pos, alignment);
        long dataLength = Math.Max(0, _length - dataStart);
        var tensors = new List<GgufTensorInfo>(infos.Count);
        foreach (var (name, type, dims, offset, at) in infos)
        {
            long bytes;
            try
            {
                long rows = 1;
                for (int d = 1; d < dims.Length; d++) rows = checked(rows * dims[d]);
                bytes = checked(GgmlTypeTraits.RowBytes(type, dims[0]) * rows);
            }
            catch (OverflowException) { throw Error(at, $"tensor '{name}' size overflows"); }
            if (offset > (ulong)dataLength || (ulong)bytes > (ulong)dataLength - offset)
                throw Error(at, $"tensor '{name}' data [{offset}, +{bytes}) lies outside the file's data section of {dataLength} bytes starting at {dataStart}");
            tensors.Add(new GgufTensorInfo(name, type, dims, (long)offset, dataStart + (long)offset, bytes));
        }
        return new Header(version, alignment, metadata, tensors, dataStart);
    }

    private object ReadValue(GgufValueType type, long typeAt, int depth) => type switch
    {
        GgufValueType.UInt8 => ReadByte(),
        GgufValueType.Int8 => (sbyte)ReadByte(),
        GgufValueType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
        GgufValueType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(Take(2)),
        GgufValueType.UInt32 => ReadUInt32(),
        GgufValueType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(Take(4)),
        GgufValueType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(Take(4)),
        GgufValueType.Bool => ReadBool(),
        GgufValueType.String => ReadString(),
        GgufValueType.Array => ReadArray(depth),
        GgufValueType.UInt64 => ReadUInt64(),
        GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
        GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
        _ => throw Error(typeAt, $"unknown metadata value type {(uint)type}"),
    };

    private GgufArray ReadArray(int depth)
    {
        long at = _pos;
        if (depth >= MaxArrayDepth) throw Error(at, $"arrays nested deeper than {MaxArrayDepth}");
        var elementType = (GgufValueType)ReadUInt32();
        long countAt = _pos;
        ulong count = ReadUInt64();
        int minSize = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
            GgufValueType.Array => 12,
            _ => throw Error(at, $"unknown array element type {(uint)elementType}"),
        };
        if (count > (ulong)(Remaining / minSize))
            throw Error(countAt, $"array of {count} {elementType} elements exceeds the {Remaining} bytes left in the file");
        // .NET arrays and spans have 32-bit lengths, which a file over 2 GiB could otherwise overflow.
        if (count > (ulong)(int.MaxValue / minSize))
            throw Error(countAt, $"array of {count} {elementType} elements is larger than the {int.MaxValue} bytes an array may take");
        int n = (int)count;
        switch (elementType)
        {
            case GgufValueType.UInt8: return new GgufArray(elementType, Take(n).ToArray());
            case GgufValueType.Int8: return new GgufArray(elementType, Copy<sbyte>(n));
            case GgufValueType.UInt16: return new GgufArray(elementType, Copy<ushort>(n));
            case GgufValueType.Int16: return new GgufArray(elementType, Copy<short>(n));
            case GgufValueType.UInt32: return new GgufArray(elementType, Copy<uint>(n));
            case GgufValueType.Int32: return new GgufArray(elementType, Copy<int>(n));
            case GgufValueType.Float32: return new GgufArray(elementType, Copy<float>(n));
            case GgufValueType.UInt64: return new GgufArray(elementType, Copy<ulong>(n));
            case GgufValueType.Int64: return new GgufArray(elementType, Copy<long>(n));
            case GgufValueType.Float64: return new GgufArray(elementType, Copy<double>(n));
            case GgufValueType.Bool:
            {
                var items = new bool[n];
                for (int i = 0; i < n; i++) items[i] = ReadBool();
                return new GgufArray(elementType, items);
            }
            case GgufValueType.String:
            {
                var items = new string[n];
                for (int i = 0; i < n; i++) items[i] = ReadString();
                return new GgufArray(elementType, items);
            }
            default:
            {
                var items = new GgufArray[n];
                for (int i = 0; i < n; i++) items[i] = ReadArray(depth + 1);
                return new GgufArray(elementType, items);
            }
        }
    }

    // GGUF is little-endian; so is every machine .NET runs this engine on, which a reinterpreting copy relies on.
    private T[] Copy<T>(int n) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = Take(checked(n * sizeof(T)));
        var items = new T[n];
        bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(items.AsSpan()));
        return items;
    }

    private bool ReadBool()
    {
        long at = _pos;
        byte b = ReadByte();
        return b switch { 0 => false, 1 => true, _ => throw Error(at, $"bool value {b} is neither 0 nor 1") };
    }

    private string ReadString()
    {
        long at = _pos;
        ulong len = ReadUInt64();
        if (len > (ulong)Remaining) throw Error(at, $"string length {len} exceeds the {Remaining} bytes left in the file");
        if (len > MaxStringBytes) throw Error(at, $"string length {len} is larger than the {MaxStringBytes} bytes a string may take");
        return Utf8.GetString(Take((int)len));
    }

    private long Remaining => _length - _pos;

    private byte ReadByte() => Take(1)[0];
    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw Error(_pos, $"file truncated: needed {count} more bytes, {Remaining} left");
        var span = new ReadOnlySpan<byte>(_data + _pos, count);
        _pos += count;
        return span;
    }

    private GgufFormatException Error(long offset, string problem) => new(_path, offset, problem);
}
