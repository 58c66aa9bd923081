using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary>
/// Memory that ends right before an inaccessible page (Linux mmap + mprotect): data placed at its end makes any
/// read past the data fault at once, instead of silently reading a neighbour as ordinary memory would.
/// </summary>
internal sealed unsafe partial class GuardPage : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;
    private readonly byte* _base;
    private readonly nuint _length;
    private readonly int _page;

    public GuardPage(int bytes)
    {
        _page = Environment.SystemPageSize;
        int pages = (bytes + _page - 1) / _page;
        _length = (nuint)((pages + 1) * _page);
        _base = (byte*)Mmap(null, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (_base == (byte*)-1) throw new InvalidOperationException("mmap failed");
        if (Mprotect(_base + pages * _page, (nuint)_page, ProtNone) != 0) throw new InvalidOperationException("mprotect failed");
        Data = _base + pages * _page - bytes;
        Length = bytes;
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The first byte of the data; Data + Length is the first inaccessible byte.</summary>
    public byte* Data { get; }
    public int Length { get; }

    public Span<byte> Span => new(Data, Length);

    public void Dispose() => Munmap(_base, _length);

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Mprotect(void* addr, nuint length, int prot);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* addr, nuint length);
}
