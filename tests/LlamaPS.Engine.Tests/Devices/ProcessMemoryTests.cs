using System.IO.MemoryMappedFiles;
using LlamaPS.Engine.Devices;

namespace LlamaPS.Engine.Tests.Devices;

public class ProcessMemoryTests
{
    [Fact]
    public void ReadsResidentFileAndAnonymousPagesFromProcStatus()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "Name:\tpwsh\nVmRSS:\t  300000 kB\nRssAnon:\t  120000 kB\nRssFile:\t  180000 kB\nRssShmem:\t 0 kB\n");
            Assert.Equal(new ProcessMemory(300000L * 1024, 180000L * 1024, 120000L * 1024), ProcessMemory.TryReadProcStatus(path));
            File.WriteAllText(path, "Name:\tpwsh\nVmRSS:\t  300000 kB\n");
            Assert.Null(ProcessMemory.TryReadProcStatus(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MappedPagesThatAreReadCountAsFileBackedNotAnonymous()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "only Linux splits resident memory into file-backed and anonymous pages");
        const long size = 64L << 20;
        string path = Path.GetTempFileName();
        try
        {
            var page = new byte[4096];
            page[0] = 1;
            using (var f = File.OpenWrite(path))
                for (long i = 0; i < size; i += page.Length) f.Write(page);
            using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = map.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            ProcessMemory before = ProcessMemory.Current();
            long sum = 0;
            for (long i = 0; i < size; i += 4096) sum += view.ReadByte(i);
            ProcessMemory after = ProcessMemory.Current();
            Assert.Equal(size / 4096, sum);
            Assert.True(after.FileBackedBytes - before.FileBackedBytes > size / 2, $"file-backed grew by {after.FileBackedBytes - before.FileBackedBytes} bytes");
            Assert.True(after.AnonymousBytes - before.AnonymousBytes < size / 2, $"anonymous grew by {after.AnonymousBytes - before.AnonymousBytes} bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
