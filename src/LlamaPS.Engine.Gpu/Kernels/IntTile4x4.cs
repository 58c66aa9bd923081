namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>Integer sums of a 4 x 4 register tile (see <see cref="Tile4x4"/>), accumulated four byte products at a time.</summary>
public struct IntTile4x4
{
    public int M00, M01, M02, M03, M10, M11, M12, M13, M20, M21, M22, M23, M30, M31, M32, M33;

    /// <summary>M[i, k] += dot4(w_i, a_k): one word of 4 signed bytes of each of 4 rows and 4 tokens.</summary>
    public void Add(uint w0, uint w1, uint w2, uint w3, uint a0, uint a1, uint a2, uint a3)
    {
        M00 = DeviceMath.Dot4(w0, a0, M00); M01 = DeviceMath.Dot4(w0, a1, M01); M02 = DeviceMath.Dot4(w0, a2, M02); M03 = DeviceMath.Dot4(w0, a3, M03);
        M10 = DeviceMath.Dot4(w1, a0, M10); M11 = DeviceMath.Dot4(w1, a1, M11); M12 = DeviceMath.Dot4(w1, a2, M12); M13 = DeviceMath.Dot4(w1, a3, M13);
        M20 = DeviceMath.Dot4(w2, a0, M20); M21 = DeviceMath.Dot4(w2, a1, M21); M22 = DeviceMath.Dot4(w2, a2, M22); M23 = DeviceMath.Dot4(w2, a3, M23);
        M30 = DeviceMath.Dot4(w3, a0, M30); M31 = DeviceMath.Dot4(w3, a1, M31); M32 = DeviceMath.Dot4(w3, a2, M32); M33 = DeviceMath.Dot4(w3, a3, M33);
    }
}
