using System.Reflection;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace LlamaPS.Engine.Gpu.Cuda;

/// <summary>
/// Loads an explicitly grouped kernel on a CUDA accelerator through <see cref="PtxScalarPromotion"/>: ILGPU compiles
/// it to PTX as usual, the pass moves its inline-PTX operands out of local memory, and the driver loads the result.
/// For kernels that use CudaAsm (tensor cores, dp4a); the others load as ILGPU loads them.
/// </summary>
internal static class CudaKernelLoader
{
    // ILGPU (1.5) offers no public way to load PTX of one's own for a compiled kernel: the text is swapped in place.
    private static readonly FieldInfo PtxAssembly = typeof(PTXCompiledKernel).GetField("<PTXAssembly>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException("This ILGPU version keeps PTXCompiledKernel's PTX elsewhere; the tensor-core kernels need updating for it.");

    /// <summary>The launcher (stream first, then the kernel config and the kernel's parameters) of <paramref name="kernel"/>.</summary>
    public static TDelegate Load<TDelegate>(CudaAccelerator accelerator, Delegate kernel) where TDelegate : Delegate
    {
        MethodInfo method = kernel.Method;
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)accelerator.Backend.Compile(entry, KernelSpecialization.Empty);
        string ptx = PtxScalarPromotion.Apply(compiled.PTXAssembly, out _);
        PtxAssembly.SetValue(compiled, ptx);
        return accelerator.LoadKernel(compiled).CreateLauncherDelegate<TDelegate>();
    }
}
