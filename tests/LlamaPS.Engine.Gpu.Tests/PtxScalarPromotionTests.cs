using System.Text.RegularExpressions;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using LlamaPS.Engine.Gpu.Cuda;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// The CUDA-only kernels (Kernels.Cuda, inline PTX for tensor cores) compile to PTX without a GPU, through ILGPU's
/// PTX backend for sm_80, and <see cref="PtxScalarPromotion"/> takes every local-memory slot out of them while
/// keeping every instruction that computes; on hand-written PTX it promotes exactly the slots used whole.
/// </summary>
public class PtxScalarPromotionTests(ITestOutputHelper output)
{
    public static TheoryData<string> CudaKernels() => new(OpenClSourceTests.KernelEntries("LlamaPS.Engine.Gpu.Kernels.Cuda").Select(e => e.Name));

    [Theory]
    [MemberData(nameof(CudaKernels))]
    public void CudaKernelsCompileToPtxWithoutLocalMemory(string kernel)
    {
        var (_, method) = OpenClSourceTests.KernelEntries("LlamaPS.Engine.Gpu.Kernels.Cuda").Single(e => e.Name == kernel);
        var backend = new PTXBackend(IlgpuRuntime.Context, new CudaCapabilityContext(CudaArchitecture.SM_80), CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null!);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
        string before = compiled.PTXAssembly, after = PtxScalarPromotion.Apply(before, out int promoted);

        Assert.Contains(".local", before);
        Assert.DoesNotContain(".local", after);
        Assert.True(promoted > 0);
        // Only the slots' stores, loads and address moves changed: every other instruction is still there, in order.
        Assert.Equal(Instructions(before).Where(i => !i.Contains("local")), Instructions(after).Where(i => !i.Contains("%lp")));
        Assert.Equal(Regex.Count(before, @"\b(mma\.sync|dp4a)\b"), Regex.Count(after, @"\b(mma\.sync|dp4a)\b"));
        output.WriteLine($"{kernel}: {promoted} slots promoted, {Regex.Count(after, @"\bmma\.sync\b")} mma.sync");
    }

    [Fact]
    public void PromotesSlotsUsedWholeAndLeavesOthers()
    {
        const string ptx = """
            {
            	.local .align 4 .b8 __local_depot0[4];
            	.local .align 4 .b8 __local_depot1[4];
            	.local .align 8 .b8 __local_depot2[8];
            	mov.b64	%rd1, __local_depot0;
            	mov.b64	%rd2, __local_depot1;
            	mov.b64	%rd3, __local_depot2;
            	st.local.b32	[%rd1], 0;
            	st.local.b32	[%rd2], %r1;
            	add.u64	%rd4, %rd2, 2;
            	st.local.b64	[%rd3], %rd9;
            	ld.local.b32	%r2, [%rd1];
            	ld.local.b64	%rd10, [%rd3];
            }
            """;
        string after = PtxScalarPromotion.Apply(ptx.ReplaceLineEndings("\n"), out int promoted);
        Assert.Equal(2, promoted);
        Assert.Contains(".reg .b32 %lp0;", after);
        Assert.Contains("mov.b32\t%lp0, 0;", after);
        Assert.Contains("mov.b32\t%r2, %lp0;", after);
        Assert.Contains(".reg .b64 %lp2;", after);
        Assert.Contains("mov.b64\t%lp2, %rd9;", after);
        Assert.Contains("mov.b64\t%rd10, %lp2;", after);
        // Slot 1's address escapes into arithmetic: it stays in local memory, untouched.
        Assert.Contains(".local .align 4 .b8 __local_depot1[4];", after);
        Assert.Contains("st.local.b32\t[%rd2], %r1;", after);
        Assert.Contains("mov.b64\t%rd2, __local_depot1;", after);
        Assert.DoesNotContain("__local_depot0", after);
        Assert.DoesNotContain("__local_depot2", after);
    }

    private static IEnumerable<string> Instructions(string ptx) =>
        ptx.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//"));
}
