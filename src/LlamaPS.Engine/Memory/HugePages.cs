using System.Globalization;
using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Memory;

/// <summary>
/// 2 MiB pages where Linux gives them (transparent huge pages), for memory that is streamed through: the weights a
/// token reads, and the memory-bandwidth benchmark's buffer, which must stream the way the weights do. With 4 KiB
/// pages such a stream misses the TLB at each page and the hardware prefetcher stops there; with 2 MiB pages,
/// one-token Q4_0 products went from 28 to 32 GB/s on 2 Zen 4 cores.
/// The weights stay memory-mapped and shared with the page cache; nothing is copied. The kernel maps a file range
/// with 2 MiB pages only where the page cache holds it in 2 MiB folios, which it builds when it reads the file into
/// a mapping advised MADV_HUGEPAGE on a file system with large folios (ext4 from 6.16, XFS). So the range is advised
/// and faulted in; where the file was already cached in small folios (it was just written or copied, say), those
/// are dropped and read again (unless nine tenths are in 2 MiB pages already), once a first 2 MiB shows that the
/// re-read gives large pages here. Pages another process maps stay as they are. Elsewhere (other systems, THP off, an unaligned mapping) nothing changes.
/// </summary>
internal static unsafe partial class HugePages
{
    private const long PageSize = 2L << 20;
    private const int MadvDontNeed = 4, MadvHugePage = 14, MadvPopulateRead = 22, FadvDontNeed = 4;

    /// <summary>Bytes of a 2 MiB page: allocations advised with <see cref="Advise"/> start at a multiple of it.</summary>
    public const long Alignment = PageSize;

    /// <summary>Asks for 2 MiB pages over fresh anonymous memory at a 2 MiB boundary; they come when it is first written.</summary>
    public static void Advise(void* start, long bytes)
    {
        if (OperatingSystem.IsLinux() && Enabled()) madvise(start, (nuint)bytes, MadvHugePage);
    }

    /// <summary>
    /// Advises and faults in [offset, offset + length) of the file mapped at <paramref name="map"/> (file offset 0)
    /// and returns how many of its bytes are mapped with 2 MiB pages afterwards.
    /// </summary>
    public static long MapFile(byte* map, string path, long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || !Enabled()) return 0;
        // A 2 MiB page maps a 2 MiB-aligned file range at a 2 MiB-aligned address.
        if (((nint)map & (PageSize - 1)) != 0) return 0;
        long from = (offset + PageSize - 1) & ~(PageSize - 1), to = (offset + length) & ~(PageSize - 1);
        // Faulting in a range that does not fit in memory would only push other data out.
        if (to - from < PageSize || to - from > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2) return 0;
        byte* start = map + from;
        nuint bytes = (nuint)(to - from);
        // madvise splits the mapping there, so the advised range is a mapping of its own in /proc/self/smaps.
        if (madvise(start, bytes, MadvHugePage) != 0 || madvise(start, bytes, MadvPopulateRead) != 0) return 0;
        long huge = HugeBytes(start);
        // Mostly in 2 MiB pages already: not worth reading the file again for the rest.
        if (huge >= (to - from) / 10 * 9) return huge;

        // Whether a re-read gives 2 MiB pages here, on the first 2 MiB: its pages first leave the mapping, so that
        // the count after the re-read says what the re-read gave, whatever the chunk was before.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        int fd = (int)file.DangerousGetHandle();
        if (madvise(start, (nuint)PageSize, MadvDontNeed) != 0) return HugeBytes(start);
        long without = HugeBytes(start);
        bool reread = Reread(start, PageSize, fd, from);
        long probed = HugeBytes(start); // each read of smaps takes milliseconds: once per step
        if (!reread || probed - without < PageSize) return probed;
        Reread(start + PageSize, (long)bytes - PageSize, fd, from + PageSize);
        return HugeBytes(start);
    }

    // Unmaps the range here, drops its page-cache folios that nobody maps, and faults it in again.
    private static bool Reread(byte* start, long bytes, int fd, long fileOffset) =>
        madvise(start, (nuint)bytes, MadvDontNeed) == 0
        && posix_fadvise(fd, fileOffset, bytes, FadvDontNeed) == 0
        && madvise(start, (nuint)bytes, MadvPopulateRead) == 0;

    // THP is "always" or "madvise" (the bracketed choice), not "never".
    private static bool Enabled()
    {
        try
        {
            string mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            return !mode.Contains("[never]", StringComparison.Ordinal);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>FilePmdMapped of the mapping that starts at <paramref name="start"/>, in bytes.</summary>
    private static long HugeBytes(byte* start)
    {
        string header = ((ulong)start).ToString("x", CultureInfo.InvariantCulture) + "-";
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            if (!inside)
            {
                inside = line.StartsWith(header, StringComparison.Ordinal);
                continue;
            }
            if (line.StartsWith("FilePmdMapped:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(14).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            if (IsMappingHeader(line)) return 0; // the next mapping: ours had no FilePmdMapped line
        }
        return 0;
    }

    // "7f4e64400000-7f4e8a000000 r--s ...": a hex address, a dash.
    private static bool IsMappingHeader(string line)
    {
        int dash = line.IndexOf('-');
        return dash > 0 && !line.AsSpan(0, dash).ContainsAnyExcept("0123456789abcdef");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* addr, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_fadvise(int fd, long offset, long length, int advice);
}
