using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Prompt processing's matrix product y[t, r] (+)= W[r, :] · x[t, :] for quantized W [rows, 32 * units] and
/// activations quantized to 8 bits, y [tokens, rows]. A group of 128 threads computes a tile of
/// <see cref="TileRows"/> rows by <see cref="TileTokens"/> tokens, each thread 4 x 4 of it in registers. Per step
/// the group decodes <see cref="StepUnits"/> units of its rows into shared memory once (so each weight is read and
/// unpacked once per tile, not once per token) with the matching activations; the integer products per unit are
/// ggml's, scaled into f32 per unit. Shared rows are padded by one word so the 16 rows a warp reads sit in 16 banks.
/// </summary>
public static class QuantGemmKernel
{
    public const int TileRows = 64, TileTokens = 32;
    public const int StepUnits = QuantTileStage.StepUnits;
    private const int RowWords = StepUnits * 8 + 1;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public static int SharedBytes => QuantTileStage.Bytes(TileRows, TileTokens, RowWords);

    public static void Run<TFormat, TWidth>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        ArrayView<float> y, int rows, int units, int tokens, int accumulate)
        where TFormat : struct, IQuantFormat
        where TWidth : struct, IStagingWidth
    {
        var stage = QuantTileStage.Allocate(TileRows, TileTokens, RowWords);
        ArrayView<uint> w = stage.Weights, a = stage.Activations;
        ArrayView<float> wLo = stage.ScaleLo, wHi = stage.ScaleHi, wMin = stage.Min, aScale = stage.ActivationScale;
        ArrayView<int> aSum = stage.ActivationSum;

        int tid = Group.IdxX, tr = tid % 16, tt = tid / 16;
        int r0 = Grid.IdxX * TileRows, t0 = Grid.IdxY * TileTokens;
        var acc = new Tile4x4();
        for (int u0 = 0; u0 < units; u0 += StepUnits)
        {
            stage.Load<TFormat, TWidth>(quants, weightScales, words, scales, sums, rows, units, tokens, r0, t0, u0);
            Group.Barrier();

            for (int uu = 0; uu < StepUnits; uu++)
            {
                var lo = new IntTile4x4();
                var hi = new IntTile4x4();
                int w0 = tr * RowWords + uu * 8, a0 = tt * RowWords + uu * 8;
                for (int j = 0; j < 4; j++)
                {
                    lo.Add(w[w0 + j], w[w0 + 16 * RowWords + j], w[w0 + 32 * RowWords + j], w[w0 + 48 * RowWords + j],
                           a[a0 + j], a[a0 + 8 * RowWords + j], a[a0 + 16 * RowWords + j], a[a0 + 24 * RowWords + j]);
                    hi.Add(w[w0 + 4 + j], w[w0 + 16 * RowWords + 4 + j], w[w0 + 32 * RowWords + 4 + j], w[w0 + 48 * RowWords + 4 + j],
                           a[a0 + 4 + j], a[a0 + 8 * RowWords + 4 + j], a[a0 + 16 * RowWords + 4 + j], a[a0 + 24 * RowWords + 4 + j]);
                }
                int ws = uu * TileRows + tr, at = uu * TileTokens + tt;
                acc.AddUnit(lo, hi,
                    wLo[ws], wLo[ws + 16], wLo[ws + 32], wLo[ws + 48], wHi[ws], wHi[ws + 16], wHi[ws + 32], wHi[ws + 48],
                    wMin[ws], wMin[ws + 16], wMin[ws + 32], wMin[ws + 48],
                    aScale[at], aScale[at + 8], aScale[at + 16], aScale[at + 24], aSum[at], aSum[at + 8], aSum[at + 16], aSum[at + 24]);
            }
            Group.Barrier();
        }
        acc.Store(y, r0 + tr, t0 + tt, rows, tokens, accumulate);
    }
}
