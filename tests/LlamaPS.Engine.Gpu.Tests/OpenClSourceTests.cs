using System.Diagnostics;
using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// Every kernel's OpenCL C, as ILGPU writes it for an AMD device (OpenCL C 2.0, no fp16, no subgroups: the least the
/// kernels promise to need), compiled by clang to machine code for the AMD GPUs the project was started for:
/// gfx1103 (Radeon 780M), gfx1101 (RX 7800 XT) and gfx1030 (RX 6800). No OpenCL device is needed; clang-19 is
/// (.ci/run installs it). Without clang-19 the test skips, or fails under CI=true.
/// </summary>
public class OpenClSourceTests(ITestOutputHelper output)
{
    public static readonly string[] Targets = ["gfx1103", "gfx1101", "gfx1030"];

    /// <summary>Every kernel entry point: each Run of the Kernels namespace, generic ones once per combination of structs that fit (device formats, activation sources, staging widths).</summary>
    public static TheoryData<string> Kernels() => new(KernelEntries().Select(e => e.Name));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void OpenClCompilesForAmdTargets(string kernel)
    {
        string clang = FindClang();
        var (_, method) = KernelEntries().Single(e => e.Name == kernel);
        var backend = new CLBackend(IlgpuRuntime.Context, new CLCapabilityContext(float16: false, float64: false, genericAddressSpace: true, int64_Atomics: false, subGroups: false),
            CLDeviceVendor.AMD, CLCVersion.CL20);
        var entry = method.GetParameters()[0].ParameterType == typeof(Index1D)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (CLCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);

        string dir = Directory.CreateTempSubdirectory("llamaps-cl-").FullName;
        try
        {
            string source = Path.Combine(dir, "kernel.cl");
            File.WriteAllText(source, compiled.Source);
            foreach (string target in Targets)
            {
                var psi = new ProcessStartInfo(clang,
                    ["-x", "cl", "-cl-std=CL2.0", "-target", "amdgcn-amd-amdhsa", $"-mcpu={target}", "-nogpulib",
                     "-Xclang", "-finclude-default-header", "-c", source, "-o", Path.Combine(dir, $"{target}.o")])
                { RedirectStandardError = true, RedirectStandardOutput = true };
                using var process = Process.Start(psi)!;
                string errors = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"{kernel} for {target}: clang exited with {process.ExitCode}:\n{errors}");
                long size = new FileInfo(Path.Combine(dir, $"{target}.o")).Length;
                output.WriteLine($"{kernel}: {target} code object {size} bytes");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The kernels of a namespace: Kernels (every backend's) by default, Kernels.Cuda (CUDA's own) when asked.</summary>
    internal static IEnumerable<(string Name, MethodInfo Method)> KernelEntries(string ns = "LlamaPS.Engine.Gpu.Kernels")
    {
        var assembly = typeof(GpuBackend).Assembly;
        var structs = assembly.GetTypes().Where(t => t.IsValueType && !t.IsGenericTypeDefinition).ToArray();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace == ns && t.IsAbstract && t.IsSealed).OrderBy(t => t.Name))
        {
            var run = type.GetMethod("Run", BindingFlags.Public | BindingFlags.Static);
            if (run is null) continue;
            if (!run.IsGenericMethodDefinition)
            {
                yield return (type.Name, run);
                continue;
            }
            // Every combination of the structs that meet each type parameter's interface constraint.
            IEnumerable<Type[]> combinations = [[]];
            foreach (var parameter in run.GetGenericArguments())
            {
                var constraint = parameter.GetGenericParameterConstraints().Single(c => c.IsInterface);
                var choices = structs.Where(constraint.IsAssignableFrom).OrderBy(f => f.Name).ToArray();
                combinations = combinations.SelectMany(c => choices.Select(f => c.Append(f).ToArray())).ToArray();
            }
            foreach (var arguments in combinations)
                yield return ($"{type.Name}<{string.Join(",", arguments.Select(a => a.Name))}>", run.MakeGenericMethod(arguments));
        }
    }

    private static string FindClang()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "clang-19");
            if (File.Exists(candidate)) return candidate;
        }
        const string message = "clang-19 is not installed (apt-get install clang-19; .ci/run does it): the OpenCL C of the kernels cannot be compiled for AMD targets.";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(message);
        Assert.Skip(message);
        return "";
    }
}
