using System.IO.MemoryMappedFiles;
using LlamaPS.Engine.Memory;

namespace LlamaPS.Engine.Gguf;

/// <summary>
/// An open GGUF file: its metadata and tensor infos, and its tensor data memory-mapped read-only, so weights are
/// read in place by the kernels and never copied into managed arrays.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly Dictionary<string, GgufTensorInfo> _byName;
    private byte* _base;

    private GgufFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr, GgufReader.Header header)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _base = basePtr;
        Version = header.Version;
        Alignment = header.Alignment;
        Metadata = header.Metadata;
        Tensors = header.Tensors;
        DataStart = header.DataStart;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }
    public long Length { get; }
    public uint Version { get; }
    public int Alignment { get; }
    public GgufMetadata Metadata { get; }
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }
    public long DataStart { get; }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="GgufFormatException"/> for a malformed file.</summary>
    public static GgufFile Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        long length = stream.Length;
        if (length == 0) throw new GgufFormatException(full, 0, "file is empty");

        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        byte* ptr = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            ptr += view.PointerOffset;
            var header = GgufReader.Parse(ptr, length, full);
            return new GgufFile(full, length, map, view, ptr, header);
        }
        catch
        {
            if (ptr != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public GgufTensorInfo? FindTensor(string name) => _byName.GetValueOrDefault(name);

    public GgufTensorInfo GetTensor(string name) =>
        FindTensor(name) ?? throw new KeyNotFoundException($"{Path}: tensor '{name}' is missing.");

    /// <summary>Pointer to the first byte of the tensor's data in the mapping; valid until the file is disposed.</summary>
    public byte* GetDataPointer(GgufTensorInfo tensor)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        return _base + tensor.FileOffset;
    }

    /// <summary>
    /// Asks for 2 MiB pages over the mapped bytes [start, start + length), the weights a CPU reads every token, and
    /// faults them in (see <see cref="HugePages"/>). Returns how many of those bytes 2 MiB pages now map: 0 where
    /// the system gives none.
    /// </summary>
    public long MapWithHugePages(byte* start, long length)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        long offset = start - _base;
        if (offset < 0 || length < 0 || offset > Length - length) throw new ArgumentOutOfRangeException(nameof(start), "The range is not inside the mapped file.");
        return HugePages.MapFile(_base, Path, offset, length);
    }

    /// <summary>The tensor's bytes; only for tensors under 2 GiB (use <see cref="GetDataPointer"/> for the rest).</summary>
    public ReadOnlySpan<byte> GetData(GgufTensorInfo tensor) => new(GetDataPointer(tensor), checked((int)tensor.ByteSize));

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map!.Dispose();
    }
}
