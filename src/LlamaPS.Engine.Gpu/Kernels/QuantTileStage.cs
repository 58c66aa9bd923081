using ILGPU;
using LlamaPS.Engine.Gpu.Formats;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// One step of a tiled quantized matrix product, staged in shared memory by the group's <see cref="GroupSum.Size"/>
/// threads: <see cref="StepUnits"/> units of <see cref="TileRows"/> weight rows, each decoded once
/// (<see cref="QuantUnit"/>: 8 words of signed bytes, two scales and a minimum), and the same units of
/// <see cref="TileTokens"/> tokens' 8-bit activations (8 words, scale, sum). Word j of unit uu of tile row r is at
/// r * <see cref="RowWords"/> + 8 uu + j, the same for tokens; each kernel pads <see cref="RowWords"/> for the
/// way it reads. Scales lie unit-major (uu * TileRows + r). Rows, units and tokens past the matrix are zero.
/// The kernels that compute from it: <see cref="QuantGemmKernel"/> (integer ALUs, any device) and
/// <see cref="Cuda.QuantMmaKernel"/> (NVIDIA tensor cores).
/// </summary>
public struct QuantTileStage
{
    public ArrayView<uint> Weights, Activations;
    public ArrayView<float> ScaleLo, ScaleHi, Min, ActivationScale;
    public ArrayView<int> ActivationSum;
    public int TileRows, TileTokens, StepUnits, RowWords;

    /// <summary>Device: the group's stage in shared memory (constant arguments, as shared sizes must be).</summary>
    public static QuantTileStage Allocate(int tileRows, int tileTokens, int stepUnits, int rowWords) => new()
    {
        Weights = SharedMemory.Allocate<uint>(tileRows * rowWords),
        ScaleLo = SharedMemory.Allocate<float>(tileRows * stepUnits),
        ScaleHi = SharedMemory.Allocate<float>(tileRows * stepUnits),
        Min = SharedMemory.Allocate<float>(tileRows * stepUnits),
        Activations = SharedMemory.Allocate<uint>(tileTokens * rowWords),
        ActivationScale = SharedMemory.Allocate<float>(tileTokens * stepUnits),
        ActivationSum = SharedMemory.Allocate<int>(tileTokens * stepUnits),
        TileRows = tileRows, TileTokens = tileTokens, StepUnits = stepUnits, RowWords = rowWords,
    };

    /// <summary>Bytes of shared memory <see cref="Allocate"/> takes.</summary>
    public static int Bytes(int tileRows, int tileTokens, int stepUnits, int rowWords) =>
        4 * ((tileRows + tileTokens) * rowWords + (3 * tileRows + 2 * tileTokens) * stepUnits);

    /// <summary>
    /// Stages units u0.. of rows r0.. and tokens t0.. of W [rows, 32 * units] (device layout) and of the quantized
    /// activations [tokens, 32 * units]. Call between barriers.
    /// </summary>
    public readonly void Load<TFormat>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        int rows, int units, int tokens, int r0, int t0, int u0)
        where TFormat : struct, IQuantFormat
    {
        int tid = Group.IdxX;
        // Weights: consecutive threads decode consecutive units of a row.
        for (int i = tid; i < TileRows * StepUnits; i += GroupSum.Size)
        {
            int r = i / StepUnits, uu = i % StepUnits, row = r0 + r, unit = u0 + uu;
            var q = row < rows && unit < units ? QuantLayout.Decode<TFormat>(quants, weightScales, row, unit, units) : new QuantUnit();
            int o = r * RowWords + uu * 8;
            Weights[o] = q.W0; Weights[o + 1] = q.W1; Weights[o + 2] = q.W2; Weights[o + 3] = q.W3;
            Weights[o + 4] = q.W4; Weights[o + 5] = q.W5; Weights[o + 6] = q.W6; Weights[o + 7] = q.W7;
            ScaleLo[uu * TileRows + r] = q.ScaleLo;
            ScaleHi[uu * TileRows + r] = q.ScaleHi;
            Min[uu * TileRows + r] = q.Min;
        }
        // Activations: consecutive threads on consecutive units (coalesced).
        for (int i = tid; i < TileTokens * StepUnits * 8; i += GroupSum.Size)
        {
            int uu = i % StepUnits, j = i / StepUnits % 8, t = i / (StepUnits * 8), token = t0 + t, unit = u0 + uu;
            Activations[t * RowWords + uu * 8 + j] = token < tokens && unit < units ? words[((long)token * 8 + j) * units + unit] : 0u;
        }
        for (int i = tid; i < TileTokens * StepUnits; i += GroupSum.Size)
        {
            int uu = i % StepUnits, t = i / StepUnits, token = t0 + t, unit = u0 + uu;
            bool valid = token < tokens && unit < units;
            ActivationScale[uu * TileTokens + t] = valid ? scales[(long)token * units + unit] : 0f;
            ActivationSum[uu * TileTokens + t] = valid ? sums[(long)token * units + unit] : 0;
        }
    }
}
