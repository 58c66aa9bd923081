namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// A thread's register tile in the matrix-matrix kernels: 4 weight rows (first index) by 4 tokens (second). Plain
/// fields, not an array, so that the backends keep it in registers.
/// </summary>
public struct Tile4x4
{
    public float M00, M01, M02, M03, M10, M11, M12, M13, M20, M21, M22, M23, M30, M31, M32, M33;

    /// <summary>The rank-1 update M[i, k] += w_i * x_k.</summary>
    public void Add(float w0, float w1, float w2, float w3, float x0, float x1, float x2, float x3)
    {
        M00 += w0 * x0; M01 += w0 * x1; M02 += w0 * x2; M03 += w0 * x3;
        M10 += w1 * x0; M11 += w1 * x1; M12 += w1 * x2; M13 += w1 * x3;
        M20 += w2 * x0; M21 += w2 * x1; M22 += w2 * x2; M23 += w2 * x3;
        M30 += w3 * x0; M31 += w3 * x1; M32 += w3 * x2; M33 += w3 * x3;
    }

    /// <summary>
    /// Adds one unit's integer sums, scaled: M[i, k] += d_k * (lo_i * lo[i, k] + hi_i * hi[i, k] - min_i * s_k), with
    /// row i's scales for elements 0..15 and 16..31 and its minimum, token k's activation scale and sum (see Formats.QuantUnit).
    /// </summary>
    public void AddUnit(in IntTile4x4 lo, in IntTile4x4 hi,
        float lo0, float lo1, float lo2, float lo3, float hi0, float hi1, float hi2, float hi3,
        float min0, float min1, float min2, float min3, float d0, float d1, float d2, float d3, int s0, int s1, int s2, int s3)
    {
        M00 += d0 * (lo0 * lo.M00 + hi0 * hi.M00 - min0 * s0);
        M01 += d1 * (lo0 * lo.M01 + hi0 * hi.M01 - min0 * s1);
        M02 += d2 * (lo0 * lo.M02 + hi0 * hi.M02 - min0 * s2);
        M03 += d3 * (lo0 * lo.M03 + hi0 * hi.M03 - min0 * s3);
        M10 += d0 * (lo1 * lo.M10 + hi1 * hi.M10 - min1 * s0);
        M11 += d1 * (lo1 * lo.M11 + hi1 * hi.M11 - min1 * s1);
        M12 += d2 * (lo1 * lo.M12 + hi1 * hi.M12 - min1 * s2);
        M13 += d3 * (lo1 * lo.M13 + hi1 * hi.M13 - min1 * s3);
        M20 += d0 * (lo2 * lo.M20 + hi2 * hi.M20 - min2 * s0);
        M21 += d1 * (lo2 * lo.M21 + hi2 * hi.M21 - min2 * s1);
        M22 += d2 * (lo2 * lo.M22 + hi2 * hi.M22 - min2 * s2);
        M23 += d3 * (lo2 * lo.M23 + hi2 * hi.M23 - min2 * s3);
        M30 += d0 * (lo3 * lo.M30 + hi3 * hi.M30 - min3 * s0);
        M31 += d1 * (lo3 * lo.M31 + hi3 * hi.M31 - min3 * s1);
        M32 += d2 * (lo3 * lo.M32 + hi3 * hi.M32 - min3 * s2);
        M33 += d3 * (lo3 * lo.M33 + hi3 * hi.M33 - min3 * s3);
    }

    public readonly float Get(int i, int k) => i switch
    {
        0 => k == 0 ? M00 : k == 1 ? M01 : k == 2 ? M02 : M03,
        1 => k == 0 ? M10 : k == 1 ? M11 : k == 2 ? M12 : M13,
        2 => k == 0 ? M20 : k == 1 ? M21 : k == 2 ? M22 : M23,
        _ => k == 0 ? M30 : k == 1 ? M31 : k == 2 ? M32 : M33,
    };

    /// <summary>
    /// Writes the tile of the thread whose rows are row0 + 16i and tokens token0 + 8k into y [tokens, rows], those
    /// inside the matrix; accumulate != 0 adds to what is there.
    /// </summary>
    public readonly void Store(ILGPU.ArrayView<float> y, int row0, int token0, int rows, int tokens, int accumulate)
    {
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 4; k++)
            {
                int row = row0 + 16 * i, token = token0 + 8 * k;
                if (row >= rows || token >= tokens) continue;
                long at = (long)token * rows + row;
                float v = Get(i, k);
                y[at] = accumulate != 0 ? y[at] + v : v;
            }
    }
}
