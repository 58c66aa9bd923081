using ILGPU.Runtime.Cuda;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// NVIDIA's warp-wide 8-bit integer matrix products (PTX mma.sync, sm_80 and later), D [16, 8] = A [16, k] · B [k, 8]
/// in exact 32-bit sums, through ILGPU's inline PTX. Every lane of the warp calls together with its fragment, in
/// PTX's layout: with g = lane / 4 and c = lane % 4, a lane holds A's rows g and g + 8 at columns 4c..4c+3 (and
/// 16 + 4c.. for k = 32), B's column g at rows 4c..4c+3 (and 16 + 4c..), and D's rows g and g + 8 at columns 2c and
/// 2c + 1: D0 (g, 2c), D1 (g, 2c + 1), D2 (g + 8, 2c), D3 (g + 8, 2c + 1). A register is 4 signed bytes, lowest first.
/// </summary>
public static class TensorCores
{
    /// <summary>k = 32: A in a0 (row g, columns 4c..), a1 (row g + 8), a2 (row g, columns 16 + 4c..), a3 (row g + 8); B in b0 (rows 4c..), b1 (rows 16 + 4c..).</summary>
    public static void MultiplyK32(uint a0, uint a1, uint a2, uint a3, uint b0, uint b1, out int d0, out int d1, out int d2, out int d3)
    {
        Output<int> o0 = default, o1 = default, o2 = default, o3 = default;
        Input<uint> x0 = a0, x1 = a1, x2 = a2, x3 = a3, y0 = b0, y1 = b1;
        Input<int> z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        CudaAsm.EmitRef("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};",
            ref o0, ref o1, ref o2, ref o3, ref x0, ref x1, ref x2, ref x3, ref y0, ref y1, ref z0, ref z1, ref z2, ref z3);
        d0 = o0.Value; d1 = o1.Value; d2 = o2.Value; d3 = o3.Value;
    }

    /// <summary>k = 16: A in a0 (row g, columns 4c..4c+3), a1 (row g + 8); B in b0 (rows 4c..4c+3).</summary>
    public static void MultiplyK16(uint a0, uint a1, uint b0, out int d0, out int d1, out int d2, out int d3)
    {
        Output<int> o0 = default, o1 = default, o2 = default, o3 = default;
        Input<uint> x0 = a0, x1 = a1, y0 = b0;
        Input<int> z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        CudaAsm.EmitRef("mma.sync.aligned.m16n8k16.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%7,%8,%9,%10};",
            ref o0, ref o1, ref o2, ref o3, ref x0, ref x1, ref y0, ref z0, ref z1, ref z2, ref z3);
        d0 = o0.Value; d1 = o1.Value; d2 = o2.Value; d3 = o3.Value;
    }
}
