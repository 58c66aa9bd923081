using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// Prompt processing's matrix product y[t, r] (+)= W[r, :] · x[t, :] on NVIDIA tensor cores (sm_80 and later), for
/// quantized W [rows, 32 * units] and activations quantized to 8 bits, y [tokens, rows]: the same product and the
/// same shared-memory stage (<see cref="QuantTileStage"/>) as <see cref="QuantGemmKernel"/>, but each unit's integer
/// sums come from <see cref="TensorCores"/> instead of byte-by-byte multiplies. A group of 4 warps computes
/// <see cref="TileRows"/> rows by <see cref="TileTokens"/> tokens; warp w takes rows 16w..16w+15 against all the
/// tile's tokens (<see cref="MmaWarpTile"/>), 8 tokens (one <see cref="MmaTile"/>) at a time. Per unit and 8 tokens:
/// one k = 32 product (two of k = 16 for formats whose halves have their own scales), then the f32 scaling as in
/// ggml. A step's units are unrolled, so the lane reads shared memory at constant offsets (<see cref="MmaLane"/>).
/// </summary>
public static class QuantMmaKernel
{
    public const int TileRows = 64, TileTokens = 64;
    public const int StepUnits = QuantTileStage.StepUnits;

    // 4 words of padding: a fragment load (8 rows by 4 consecutive words) then touches 32 different banks.
    public const int RowWords = StepUnits * 8 + 4;

    /// <summary>Bytes of shared memory a group takes.</summary>
    public static int SharedBytes => QuantTileStage.Bytes(TileRows, TileTokens, RowWords);

    public static void Run<TFormat, TWidth>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        ArrayView<float> y, int rows, int units, int tokens, int accumulate)
        where TFormat : struct, IQuantFormat
        where TWidth : struct, IStagingWidth
    {
        var stage = QuantTileStage.Allocate(TileRows, TileTokens, RowWords);
        int lane = Group.IdxX & 31, row = 16 * (Group.IdxX >> 5) + (lane >> 2), c = lane & 3;
        int r0 = Grid.IdxX * TileRows, t0 = Grid.IdxY * TileTokens;
        var views = new MmaLane(stage, row, lane);
        var acc = new MmaWarpTile();
        for (int u0 = 0; u0 < units; u0 += StepUnits)
        {
            stage.Load<TFormat, TWidth>(quants, weightScales, words, scales, sums, rows, units, tokens, r0, t0, u0);
            Group.Barrier();
            // StepUnits (8) units, written out: constant units give constant offsets.
            acc.AddUnit<TFormat>(views, 0);
            acc.AddUnit<TFormat>(views, 1);
            acc.AddUnit<TFormat>(views, 2);
            acc.AddUnit<TFormat>(views, 3);
            acc.AddUnit<TFormat>(views, 4);
            acc.AddUnit<TFormat>(views, 5);
            acc.AddUnit<TFormat>(views, 6);
            acc.AddUnit<TFormat>(views, 7);
            Group.Barrier();
        }
        acc.Store(y, r0 + row, t0 + 2 * c, rows, tokens, accumulate);
    }
}
