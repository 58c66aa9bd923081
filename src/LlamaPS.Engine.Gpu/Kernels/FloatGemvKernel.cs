using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Decode's matrix-vector product y[r] (+)= W[r, :] · x for float weights (F32, F16, BF16) stored row by row as
/// words, x [cols] in f32 and rounded to the weight's precision as it is read. A group takes
/// <see cref="RowsPerGroup"/> rows; consecutive threads read consecutive words (coalesced).
/// </summary>
public static class FloatGemvKernel
{
    public const int RowsPerGroup = 4;

    public static void Run<TFormat>(ArrayView<uint> weights, ArrayView<float> x, ArrayView<float> y, int rows, int cols, int accumulate)
        where TFormat : struct, IFloatFormat
    {
        const int Rows = RowsPerGroup;
        var partial = SharedMemory.Allocate<float>(Rows * GroupSum.Size);
        var format = default(TFormat);
        int tid = Group.IdxX, r0 = Grid.IdxX * Rows, last = Math.Min(rows, r0 + Rows) - 1;
        int perWord = format.ElementsPerWord, rowWords = cols / perWord;
        long o0 = (long)r0 * rowWords, o1 = (long)Math.Min(r0 + 1, last) * rowWords;
        long o2 = (long)Math.Min(r0 + 2, last) * rowWords, o3 = (long)Math.Min(r0 + 3, last) * rowWords;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = tid; i < rowWords; i += GroupSum.Size)
        {
            uint w0 = weights[o0 + i], w1 = weights[o1 + i], w2 = weights[o2 + i], w3 = weights[o3 + i];
            if (perWord == 1)
            {
                float x0 = format.Activation(x[i]);
                s0 += format.First(w0) * x0; s1 += format.First(w1) * x0; s2 += format.First(w2) * x0; s3 += format.First(w3) * x0;
            }
            else
            {
                float x0 = format.Activation(x[2 * i]), x1 = format.Activation(x[2 * i + 1]);
                s0 += format.First(w0) * x0 + format.Second(w0) * x1;
                s1 += format.First(w1) * x0 + format.Second(w1) * x1;
                s2 += format.First(w2) * x0 + format.Second(w2) * x1;
                s3 += format.First(w3) * x0 + format.Second(w3) * x1;
            }
        }
        partial[tid] = s0;
        partial[GroupSum.Size + tid] = s1;
        partial[2 * GroupSum.Size + tid] = s2;
        partial[3 * GroupSum.Size + tid] = s3;
        GroupSum.Sum(partial, Rows);
        if (tid < Rows && r0 + tid < rows)
        {
            float v = partial[tid * GroupSum.Size];
            y[r0 + tid] = accumulate != 0 ? y[r0 + tid] + v : v;
        }
    }
}
