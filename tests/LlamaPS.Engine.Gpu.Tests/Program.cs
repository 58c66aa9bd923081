namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// The test executable's entry point: xunit's own (as xunit generates it), or with "benchmark" as the first argument
/// the GPU benchmark (<see cref="GpuBenchmark"/>), so the device machine needs one self-contained program.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "benchmark") return GpuBenchmark.Run(args[1..]);
        if (args.Any(arg => arg == "--server" || arg == "--internal-msbuild-node"))
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
