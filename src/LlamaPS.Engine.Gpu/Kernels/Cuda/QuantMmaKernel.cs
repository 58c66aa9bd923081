using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// Prompt processing's matrix product y[t, r] (+)= W[r, :] · x[t, :] on NVIDIA tensor cores (sm_80 and later), for
/// quantized W [rows, 32 * units] and activations quantized to 8 bits, y [tokens, rows]: the same product and the
/// same shared-memory stage (<see cref="QuantTileStage"/>) as <see cref="QuantGemmKernel"/>, but each unit's integer
/// sums come from <see cref="TensorCores"/> instead of byte-by-byte multiplies. A group of 4 warps computes
/// <see cref="TileRows"/> rows by <see cref="TileTokens"/> tokens; warp w takes rows 16w..16w+15 against all the
/// tile's tokens, 8 tokens (one <see cref="MmaTile"/>) at a time. Per unit and 8 tokens: one k = 32 product (two of
/// k = 16 for formats whose halves have their own scales), then the f32 scaling as in ggml.
/// </summary>
public static class QuantMmaKernel
{
    public const int TileRows = 64, TileTokens = 64, StepUnits = 8;

    // 4 words of padding: a fragment load (8 rows by 4 consecutive words) then touches 32 different banks.
    private const int RowWords = StepUnits * 8 + 4;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public static int SharedBytes => QuantTileStage.Bytes(TileRows, TileTokens, StepUnits, RowWords);

    public static void Run<TFormat, TWidth>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        ArrayView<float> y, int rows, int units, int tokens, int accumulate)
        where TFormat : struct, IQuantFormat
        where TWidth : struct, IStagingWidth
    {
        var stage = QuantTileStage.Allocate(TileRows, TileTokens, StepUnits, RowWords);
        int lane = Group.IdxX % 32, row = 16 * (Group.IdxX / 32) + lane / 4, c = lane % 4;
        int r0 = Grid.IdxX * TileRows, t0 = Grid.IdxY * TileTokens;
        MmaTile y0 = default, y1 = default, y2 = default, y3 = default, y4 = default, y5 = default, y6 = default, y7 = default;
        for (int u0 = 0; u0 < units; u0 += StepUnits)
        {
            stage.Load<TFormat, TWidth>(quants, weightScales, words, scales, sums, rows, units, tokens, r0, t0, u0);
            Group.Barrier();
            for (int uu = 0; uu < StepUnits; uu++)
            {
                var w = new MmaWeights(stage, row, uu, c);
                y0.Add<TFormat>(w, stage, 0, uu, lane);
                y1.Add<TFormat>(w, stage, 1, uu, lane);
                y2.Add<TFormat>(w, stage, 2, uu, lane);
                y3.Add<TFormat>(w, stage, 3, uu, lane);
                y4.Add<TFormat>(w, stage, 4, uu, lane);
                y5.Add<TFormat>(w, stage, 5, uu, lane);
                y6.Add<TFormat>(w, stage, 6, uu, lane);
                y7.Add<TFormat>(w, stage, 7, uu, lane);
            }
            Group.Barrier();
        }
        int token = t0 + 2 * c;
        y0.Store(y, r0 + row, token, rows, tokens, accumulate);
        y1.Store(y, r0 + row, token + 8, rows, tokens, accumulate);
        y2.Store(y, r0 + row, token + 16, rows, tokens, accumulate);
        y3.Store(y, r0 + row, token + 24, rows, tokens, accumulate);
        y4.Store(y, r0 + row, token + 32, rows, tokens, accumulate);
        y5.Store(y, r0 + row, token + 40, rows, tokens, accumulate);
        y6.Store(y, r0 + row, token + 48, rows, tokens, accumulate);
        y7.Store(y, r0 + row, token + 56, rows, tokens, accumulate);
    }
}
