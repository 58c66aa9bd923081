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
    public const int TileRows = 64, TileTokens = 32, StepUnits = 8;
    private const int RowWords = StepUnits * 8 + 1;

    /// <summary>Bytes of shared memory a group takes: the largest of the kernels.</summary>
    public const int SharedBytes = 4 * ((TileRows + TileTokens) * RowWords + (3 * TileRows + 2 * TileTokens) * StepUnits);

    public static void Run<TFormat>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        ArrayView<float> y, int rows, int units, int tokens, int accumulate)
        where TFormat : struct, IQuantFormat
    {
        var w = SharedMemory.Allocate<uint>(TileRows * RowWords);
        var wLo = SharedMemory.Allocate<float>(TileRows * StepUnits);
        var wHi = SharedMemory.Allocate<float>(TileRows * StepUnits);
        var wMin = SharedMemory.Allocate<float>(TileRows * StepUnits);
        var a = SharedMemory.Allocate<uint>(TileTokens * RowWords);
        var aScale = SharedMemory.Allocate<float>(TileTokens * StepUnits);
        var aSum = SharedMemory.Allocate<int>(TileTokens * StepUnits);
        var format = default(TFormat);

        int tid = Group.IdxX, tr = tid % 16, tt = tid / 16;
        int r0 = Grid.IdxX * TileRows, t0 = Grid.IdxY * TileTokens;
        var acc = new Tile4x4();
        for (int u0 = 0; u0 < units; u0 += StepUnits)
        {
            // Weights: 64 rows x 8 units, decoded once; missing rows and units are zero.
            for (int i = tid; i < TileRows * StepUnits; i += GroupSum.Size)
            {
                int r = i / StepUnits, uu = i % StepUnits, row = r0 + r, unit = u0 + uu;
                var q = row < rows && unit < units ? format.Decode(quants, weightScales, row, unit, units) : new QuantUnit();
                int o = r * RowWords + uu * 8;
                w[o] = q.W0; w[o + 1] = q.W1; w[o + 2] = q.W2; w[o + 3] = q.W3;
                w[o + 4] = q.W4; w[o + 5] = q.W5; w[o + 6] = q.W6; w[o + 7] = q.W7;
                wLo[uu * TileRows + r] = q.ScaleLo;
                wHi[uu * TileRows + r] = q.ScaleHi;
                wMin[uu * TileRows + r] = q.Min;
            }
            // Activations: 32 tokens x 8 units x 8 words, consecutive threads on consecutive units (coalesced).
            for (int i = tid; i < TileTokens * StepUnits * 8; i += GroupSum.Size)
            {
                int uu = i % StepUnits, j = i / StepUnits % 8, t = i / (StepUnits * 8), token = t0 + t, unit = u0 + uu;
                a[t * RowWords + uu * 8 + j] = token < tokens && unit < units ? words[((long)token * 8 + j) * units + unit] : 0u;
            }
            for (int i = tid; i < TileTokens * StepUnits; i += GroupSum.Size)
            {
                int uu = i % StepUnits, t = i / StepUnits, token = t0 + t, unit = u0 + uu;
                bool valid = token < tokens && unit < units;
                aScale[uu * TileTokens + t] = valid ? scales[(long)token * units + unit] : 0f;
                aSum[uu * TileTokens + t] = valid ? sums[(long)token * units + unit] : 0;
            }
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
