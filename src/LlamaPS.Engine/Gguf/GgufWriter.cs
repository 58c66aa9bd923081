using System.Text;

namespace LlamaPS.Engine.Gguf;

/// <summary>
/// Builds a GGUF file: metadata and tensor declarations are collected first (the header needs every tensor's offset
/// before any data), then <see cref="WriteTo(string)"/> writes the header and streams each tensor's data in order,
/// so a file of billions of weights never has to be held in memory. Everything is validated as it is added, and the
/// output is always a file <see cref="GgufFile"/> accepts.
/// </summary>
public sealed class GgufWriter
{
    // ggml keeps tensor names in a 64-byte field including the terminator; longer names would not load in llama.cpp.
    private const int MaxTensorNameBytes = 63;
    private const int FileBufferSize = 1 << 20;
    private static readonly byte[] Zeros = new byte[4096];

    private readonly List<KeyValuePair<string, object>> _metadata = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<Tensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private int _alignment = GgufAlignment.Default;

    /// <param name="version">3 (current) or 2; both share one little-endian layout.</param>
    public GgufWriter(uint version = 3)
    {
        if (version is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(version), version, "GGUF version must be 2 or 3.");
        Version = version;
    }

    public uint Version { get; }

    /// <summary>
    /// A writer holding a copy of <paramref name="source"/>: its version, its metadata in file order (less the keys in
    /// <paramref name="dropKeys"/>) and its tensors, whose data is read from the source file as the copy is written,
    /// so keep the source open until then. Add metadata before writing to get the same model with other settings
    /// (a test model with a chat template, say).
    /// </summary>
    public static GgufWriter CopyOf(GgufFile source, params string[] dropKeys)
    {
        ArgumentNullException.ThrowIfNull(source);
        var writer = new GgufWriter(source.Version);
        foreach (string key in source.Metadata.Keys)
        {
            if (!dropKeys.Contains(key)) writer.AddMetadata(key, source.Metadata[key]);
        }
        foreach (var tensor in source.Tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions.ToArray(), output => CopyData(source, tensor, output));
        }
        return writer;
    }

    private static unsafe void CopyData(GgufFile source, GgufTensorInfo tensor, Stream output)
    {
        byte* data = source.GetDataPointer(tensor);
        for (long done = 0; done < tensor.ByteSize; done += FileBufferSize)
        {
            output.Write(new ReadOnlySpan<byte>(data + done, (int)Math.Min(FileBufferSize, tensor.ByteSize - done)));
        }
    }

    /// <summary>
    /// Adds a key-value, written in the order added. <paramref name="value"/> is a byte, sbyte, ushort, short, uint,
    /// int, float, bool, string, ulong, long, double, a <see cref="GgufArray"/> (nested arrays allowed), or a CLR
    /// array of one of those (string[], float[], ...), which becomes a GGUF array. <c>general.alignment</c> must be a
    /// power-of-two uint and sets the tensor data alignment (32 by default).
    /// </summary>
    public void AddMetadata(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_keys.Contains(key)) throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        object normalized = GgufValueEncoding.Normalize(key, value);
        if (key == GgufAlignment.Key)
        {
            if (normalized is not uint alignment || !GgufAlignment.IsValid(alignment))
                throw new ArgumentException($"{GgufAlignment.Key} must be a power-of-two uint of at most {GgufAlignment.Max}, got {value} ({value.GetType().Name}).", nameof(value));
            _alignment = (int)alignment;
        }
        _keys.Add(key);
        _metadata.Add(new(key, normalized));
    }

    /// <summary>
    /// Adds a tensor whose bytes are already in memory; <paramref name="data"/> is referenced, not copied, so it must
    /// stay unchanged until the file is written. <paramref name="dimensions"/> is in ggml order (ne[0] = row length).
    /// </summary>
    public void AddTensor(string name, GgmlType type, ReadOnlySpan<long> dimensions, ReadOnlyMemory<byte> data)
    {
        long byteSize = CheckTensor(name, type, dimensions);
        if (data.Length != byteSize)
            throw new ArgumentException($"Tensor '{name}': {data.Length} bytes given, {type} [{string.Join(", ", dimensions.ToArray())}] takes {byteSize}.", nameof(data));
        AddChecked(name, type, dimensions, byteSize, output => output.Write(data.Span));
    }

    /// <summary>
    /// Adds a tensor whose bytes <paramref name="writeData"/> produces when the file is written (once per write): it
    /// must write exactly the tensor's size in bytes to the stream it is given, in any number of writes.
    /// </summary>
    public void AddTensor(string name, GgmlType type, ReadOnlySpan<long> dimensions, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        long byteSize = CheckTensor(name, type, dimensions);
        AddChecked(name, type, dimensions, byteSize, writeData);
    }

    /// <summary>
    /// Writes the file. It is written beside <paramref name="path"/> under a temporary name and renamed when complete,
    /// so a failed write (a throwing data callback, a full disk) never leaves a truncated file at <paramref name="path"/>.
    /// </summary>
    public void WriteTo(string path)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Path.GetRandomFileName()}.tmp");
        byte[] header = BuildHeader();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = FileBufferSize,
            PreallocationSize = AlignedHeaderLength(header) + _tensors.Sum(t => AlignUp(t.ByteSize)),
        };
        var stream = new FileStream(temp, options);
        try
        {
            using (stream) WriteFile(stream, header);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes the file to <paramref name="output"/>, which need not be seekable.</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteFile(output, BuildHeader());
    }

    private long CheckTensor(string name, GgmlType type, ReadOnlySpan<long> dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > MaxTensorNameBytes)
            throw new ArgumentException($"Tensor name '{name}' is longer than {MaxTensorNameBytes} UTF-8 bytes.", nameof(name));
        if (_tensorNames.Contains(name)) throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        if (!GgmlTypeTraits.TryGetBlock(type, out int blockSize, out _))
            throw new ArgumentOutOfRangeException(nameof(type), type, $"Tensor '{name}': unknown ggml type id {(uint)type}.");
        if (dimensions.Length is 0 or > GgufReader.MaxDimensions)
            throw new ArgumentException($"Tensor '{name}' has {dimensions.Length} dimensions (1 to {GgufReader.MaxDimensions} allowed).", nameof(dimensions));
        foreach (long d in dimensions)
        {
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dimensions), d, $"Tensor '{name}' has a negative dimension.");
        }
        if (dimensions[0] % blockSize != 0)
            throw new ArgumentException($"Tensor '{name}': row length {dimensions[0]} is not a multiple of the {type} block size {blockSize}.", nameof(dimensions));
        try
        {
            long rows = 1;
            for (int d = 1; d < dimensions.Length; d++) rows = checked(rows * dimensions[d]);
            _ = checked(dimensions[0] * rows); // the reader rejects an element count that overflows, even if bytes would not
            return checked(GgmlTypeTraits.RowBytes(type, dimensions[0]) * rows);
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", dimensions.ToArray())}] overflows.", nameof(dimensions));
        }
    }

    private void AddChecked(string name, GgmlType type, ReadOnlySpan<long> dimensions, long byteSize, Action<Stream> writeData)
    {
        _tensorNames.Add(name);
        _tensors.Add(new Tensor(name, type, dimensions.ToArray(), byteSize, writeData));
    }

    private byte[] BuildHeader()
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        writer.Write(GgufReader.Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            GgufValueEncoding.WriteString(writer, key);
            GgufValueEncoding.WriteTyped(writer, value);
        }
        long offset = 0;
        foreach (Tensor tensor in _tensors)
        {
            GgufValueEncoding.WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Dimensions.Length);
            foreach (long d in tensor.Dimensions) writer.Write((ulong)d);
            writer.Write((uint)tensor.Type);
            writer.Write((ulong)offset);
            offset += AlignUp(tensor.ByteSize);
        }
        writer.Flush();
        return buffer.ToArray();
    }

    private void WriteFile(Stream output, byte[] header)
    {
        output.Write(header);
        WriteZeros(output, AlignedHeaderLength(header) - header.Length);
        foreach (Tensor tensor in _tensors)
        {
            var data = new GgufTensorDataStream(output, tensor.Name, tensor.ByteSize);
            tensor.WriteData(data);
            if (data.Written != tensor.ByteSize)
                throw new InvalidOperationException($"Tensor '{tensor.Name}': the data callback wrote {data.Written} of the tensor's {tensor.ByteSize} bytes.");
            // Every tensor, the last included, is padded: ggml sizes the data section by padded tensor sizes.
            WriteZeros(output, AlignUp(tensor.ByteSize) - tensor.ByteSize);
        }
        output.Flush();
    }

    private long AlignedHeaderLength(byte[] header) => AlignUp(header.Length);

    private long AlignUp(long value) => GgufAlignment.AlignUp(value, _alignment);

    private static void WriteZeros(Stream output, long count)
    {
        for (; count > 0; count -= Zeros.Length) output.Write(Zeros, 0, (int)Math.Min(count, Zeros.Length));
    }

    private sealed record Tensor(string Name, GgmlType Type, long[] Dimensions, long ByteSize, Action<Stream> WriteData);
}
