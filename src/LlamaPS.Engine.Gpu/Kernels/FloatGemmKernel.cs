using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Prompt processing's matrix product y[t, r] (+)= W[r, :] · x[t, :] for float weights, x [tokens, cols] f32
/// rounded to the weight's precision, y [tokens, rows]. Tiles as <see cref="QuantGemmKernel"/>: 64 rows by 32
/// tokens a group of 128 threads, 4 x 4 a thread; each step stages <see cref="StepCols"/> columns of weights
/// (decoded to f32) and activations in shared memory, rows padded by one float against bank conflicts.
/// </summary>
public static class FloatGemmKernel
{
    public const int StepCols = 32;
    private const int RowFloats = StepCols + 1;

    public static void Run<TFormat>(ArrayView<uint> weights, ArrayView<float> x, ArrayView<float> y, int rows, int cols, int tokens, int accumulate)
        where TFormat : struct, IFloatFormat
    {
        const int TileRows = QuantGemmKernel.TileRows, TileTokens = QuantGemmKernel.TileTokens;
        var w = SharedMemory.Allocate<float>(TileRows * RowFloats);
        var a = SharedMemory.Allocate<float>(TileTokens * RowFloats);
        var format = default(TFormat);
        int tid = Group.IdxX, tr = tid % 16, tt = tid / 16;
        int r0 = Grid.IdxX * TileRows, t0 = Grid.IdxY * TileTokens;
        int perWord = format.ElementsPerWord, rowWords = cols / perWord, stepWords = StepCols / perWord;
        var acc = new Tile4x4();
        for (int c0 = 0; c0 < cols; c0 += StepCols)
        {
            for (int i = tid; i < TileRows * stepWords; i += GroupSum.Size)
            {
                int r = i / stepWords, k = i % stepWords, row = r0 + r, word = c0 / perWord + k;
                bool valid = row < rows && word < rowWords;
                uint v = valid ? weights[(long)row * rowWords + word] : 0u;
                if (perWord == 1)
                {
                    w[r * RowFloats + k] = format.First(v);
                }
                else
                {
                    w[r * RowFloats + 2 * k] = format.First(v);
                    w[r * RowFloats + 2 * k + 1] = format.Second(v);
                }
            }
            for (int i = tid; i < TileTokens * StepCols; i += GroupSum.Size)
            {
                int t = i / StepCols, k = i % StepCols, token = t0 + t, col = c0 + k;
                a[t * RowFloats + k] = token < tokens && col < cols ? format.Activation(x[(long)token * cols + col]) : 0f;
            }
            Group.Barrier();
            int wr = tr * RowFloats, at = tt * RowFloats;
            for (int k = 0; k < StepCols; k++)
                acc.Add(w[wr + k], w[wr + 16 * RowFloats + k], w[wr + 32 * RowFloats + k], w[wr + 48 * RowFloats + k],
                        a[at + k], a[at + 8 * RowFloats + k], a[at + 16 * RowFloats + k], a[at + 24 * RowFloats + k]);
            Group.Barrier();
        }
        acc.Store(y, r0 + tr, t0 + tt, rows, tokens, accumulate);
    }
}
