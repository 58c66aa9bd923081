using System.Diagnostics;

namespace LlamaPS.Engine.Devices;

/// <summary>
/// This process's resident memory, split into pages backed by files (the memory-mapped weights, the runtime's own
/// binaries) and anonymous pages (managed and native heaps: KV caches, work buffers, the runtime itself). Weights
/// that stay memory-mapped show up only in the first; what a model costs beyond its file shows up in the second.
/// </summary>
/// <param name="ResidentBytes">Resident set size.</param>
/// <param name="FileBackedBytes">Resident pages backed by files; -1 where the operating system does not say.</param>
/// <param name="AnonymousBytes">Resident (on Windows: committed private) pages not backed by a file; -1 where unknown.</param>
public readonly record struct ProcessMemory(long ResidentBytes, long FileBackedBytes, long AnonymousBytes)
{
    public static ProcessMemory Current()
    {
        if (OperatingSystem.IsLinux() && TryReadProcStatus("/proc/self/status") is { } linux) return linux;
        using var process = Process.GetCurrentProcess();
        long resident = process.WorkingSet64;
        if (!OperatingSystem.IsWindows()) return new ProcessMemory(resident, -1, -1);
        long anonymous = process.PrivateMemorySize64;
        return new ProcessMemory(resident, Math.Max(0, resident - anonymous), anonymous);
    }

    /// <summary>VmRSS, RssFile and RssAnon of a Linux /proc/[pid]/status file, in bytes; null when a line is missing.</summary>
    internal static ProcessMemory? TryReadProcStatus(string path)
    {
        long? rss = null, file = null, anon = null;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KiloBytes(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = KiloBytes(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = KiloBytes(line);
        }
        return rss is long r && file is long f && anon is long a ? new ProcessMemory(r, f, a) : null;
    }

    // "RssAnon:	  123456 kB"
    private static long? KiloBytes(string line)
    {
        string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], out long kb) ? kb * 1024 : null;
    }
}
