namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>Integer sums of a 4 x 4 register tile (see <see cref="Tile4x4"/>), accumulated four byte products at a time.</summary>
public struct IntTile4x4
{
    public int M00, M01, M02, M03, M10, M11, M12, M13, M20, M21, M22, M23, M30, M31, M32, M33;

    /// <summary>
    /// M[i, k] += dot4(w_i, a_k): one word of 4 signed bytes of each of 4 rows and 4 tokens, each byte extracted
    /// once for the 4 products it takes part in.
    /// </summary>
    public void Add(uint w0, uint w1, uint w2, uint w3, uint a0, uint a1, uint a2, uint a3)
    {
        AddByte(w0, w1, w2, w3, a0, a1, a2, a3, 0);
        AddByte(w0, w1, w2, w3, a0, a1, a2, a3, 1);
        AddByte(w0, w1, w2, w3, a0, a1, a2, a3, 2);
        AddByte(w0, w1, w2, w3, a0, a1, a2, a3, 3);
    }

    private void AddByte(uint w0, uint w1, uint w2, uint w3, uint a0, uint a1, uint a2, uint a3, int b)
    {
        int x0 = DeviceMath.SignedByte(w0, b), x1 = DeviceMath.SignedByte(w1, b), x2 = DeviceMath.SignedByte(w2, b), x3 = DeviceMath.SignedByte(w3, b);
        int y0 = DeviceMath.SignedByte(a0, b), y1 = DeviceMath.SignedByte(a1, b), y2 = DeviceMath.SignedByte(a2, b), y3 = DeviceMath.SignedByte(a3, b);
        M00 += x0 * y0; M01 += x0 * y1; M02 += x0 * y2; M03 += x0 * y3;
        M10 += x1 * y0; M11 += x1 * y1; M12 += x1 * y2; M13 += x1 * y3;
        M20 += x2 * y0; M21 += x2 * y1; M22 += x2 * y2; M23 += x2 * y3;
        M30 += x3 * y0; M31 += x3 * y1; M32 += x3 * y2; M33 += x3 * y3;
    }
}
