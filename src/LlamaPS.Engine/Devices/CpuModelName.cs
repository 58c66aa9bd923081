using System.Runtime.InteropServices;
using System.Text;

namespace LlamaPS.Engine.Devices;

/// <summary>
/// Reads the processor's model name from wherever the OS keeps it. Every source is best effort:
/// a missing file, key or sysctl falls back to a generic name rather than failing device listing.
/// </summary>
internal static class CpuModelName
{
    public static string Read()
    {
        string? name = null;
        try
        {
            if (OperatingSystem.IsLinux()) name = FromProcCpuInfo();
            else if (OperatingSystem.IsMacOS()) name = FromSysctl("machdep.cpu.brand_string");
            else if (OperatingSystem.IsWindows()) name = FromWindowsRegistry() ?? Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException or System.Security.SecurityException)
        {
            name = null;
        }
        return string.IsNullOrWhiteSpace(name) ? $"{RuntimeInformation.ProcessArchitecture} processor" : name.Trim();
    }

    private static string? FromProcCpuInfo()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return null;
        // x86 kernels say "model name"; some ARM kernels only say "Model" (e.g. Raspberry Pi) or "Hardware".
        string? fallback = null;
        foreach (string line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (value.Length == 0) continue;
            if (key == "model name") return value;
            if (fallback is null && key is "Model" or "Hardware") fallback = value;
        }
        return fallback;
    }

    private static string? FromSysctl(string key)
    {
        nint length = 0;
        if (sysctlbyname(key, null, ref length, 0, 0) != 0 || length <= 0) return null;
        var buffer = new byte[length];
        if (sysctlbyname(key, buffer, ref length, 0, 0) != 0) return null;
        return Encoding.UTF8.GetString(buffer, 0, (int)length).TrimEnd('\0');
    }

    private static string? FromWindowsRegistry()
    {
        if (!OperatingSystem.IsWindows()) return null;
        using var key = Microsoft.Win32.Registry.LocalMachine.OpenSubKey(@"HARDWARE\DESCRIPTION\System\CentralProcessor\0");
        return key?.GetValue("ProcessorNameString") as string;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sysctlbyname(string name, byte[]? oldp, ref nint oldlenp, nint newp, nint newlen);
}
