using ILGPU.Runtime.Cuda;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// <see cref="IInt8Dot"/> as PTX's dp4a.s32.s32 (sm_61 and later), one instruction for the sixteen the portable form
/// takes; decode's matrix-vector products are bound by issue, not memory, without it. Kernels using it load through
/// <see cref="LlamaPS.Engine.Gpu.Cuda.CudaKernelLoader"/>, which keeps the inline-PTX operands in registers.
/// </summary>
public readonly struct Dp4aInt8Dot : IInt8Dot
{
    public int Dot4(uint a, uint b, int c)
    {
        Output<int> d = default;
        Input<uint> x = a, y = b;
        Input<int> z = c;
        CudaAsm.EmitRef("dp4a.s32.s32 %0, %1, %2, %3;", ref d, ref x, ref y, ref z);
        return d.Value;
    }
}
