using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Activations x [tokens, cols] to 8 bits, as ggml quantizes them before an integer dot product, one group a token.
/// Units of 32 values come out in the device layout the matrix kernels read: word j of token t's unit u (four
/// signed bytes) at ((t * 8 + j) * U + u), its scale and its integer sum at (t * U + u).
/// <paramref name="blockUnits"/> picks the format: 1 is Q8_0 (scale amax/127 rounded to f16, values x * 127/amax),
/// 8 is Q8_K (one float scale for 256 values, -max/127 with max the value of largest magnitude, values clamped to 127).
/// Both round half to even, as ggml does.
/// </summary>
public static class QuantizeActivationsKernel
{
    /// <summary>The longest row this kernel takes, in units of 32 (32768 values).</summary>
    public const int MaxUnits = 1024;

    public static void Run(ArrayView<float> x, ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums, int cols, int blockUnits)
    {
        var extreme = SharedMemory.Allocate<float>(MaxUnits); // each unit's value of largest magnitude, first one on ties
        int t = Grid.IdxX, units = cols / 32;
        long row = (long)t * cols;
        for (int u = Group.IdxX; u < units; u += Group.DimX)
        {
            float best = 0, amax = 0;
            for (int i = 0; i < 32; i++)
            {
                float v = x[row + u * 32 + i];
                if (MathF.Abs(v) > amax)
                {
                    amax = MathF.Abs(v);
                    best = v;
                }
            }
            extreme[u] = best;
        }
        Group.Barrier();
        for (int u = Group.IdxX; u < units; u += Group.DimX)
        {
            float scale, inverse, clamp;
            if (blockUnits == 1)
            {
                float amax = MathF.Abs(extreme[u]);
                scale = DeviceMath.HalfToFloat(DeviceMath.FloatToHalf(amax / 127f));
                inverse = amax != 0 ? 127f / amax : 0f;
                clamp = 128f;
            }
            else
            {
                int first = u / blockUnits * blockUnits;
                float max = 0, amax = 0;
                for (int k = first; k < first + blockUnits; k++)
                {
                    float v = extreme[k];
                    if (MathF.Abs(v) > amax)
                    {
                        amax = MathF.Abs(v);
                        max = v;
                    }
                }
                inverse = amax != 0 ? -127f / max : 0f;
                scale = amax != 0 ? 1f / inverse : 0f;
                clamp = 127f;
            }
            int sum = 0;
            for (int j = 0; j < 8; j++)
            {
                uint word = 0;
                for (int b = 0; b < 4; b++)
                {
                    int q = (int)MathF.Min(clamp, DeviceMath.RoundHalfEven(x[row + u * 32 + 4 * j + b] * inverse));
                    sum += q;
                    word |= (uint)(q & 0xFF) << (8 * b);
                }
                words[((long)t * 8 + j) * units + u] = word;
            }
            scales[(long)t * units + u] = scale;
            sums[(long)t * units + u] = sum;
        }
    }
}
