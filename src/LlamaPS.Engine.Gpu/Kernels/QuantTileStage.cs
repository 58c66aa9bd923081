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
    /// activations [tokens, 32 * units]. Call between barriers. Where units are a multiple of 4 (every real model's),
    /// a thread reads four consecutive units with one 16-byte load per word, as decode's products do; else one unit
    /// a load.
    /// </summary>
    public readonly void Load<TFormat>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        int rows, int units, int tokens, int r0, int t0, int u0)
        where TFormat : struct, IQuantFormat
    {
        if (units % 4 == 0 && StepUnits % 4 == 0)
            LoadQuads<TFormat>(quants.Cast<Vector4Words>(), weightScales.Cast<Vector4Words>(), words.Cast<Vector4Words>(),
                scales.Cast<Vector4Words>(), sums.Cast<Vector4Words>(), rows, units / 4, tokens, r0, t0, u0 / 4);
        else
            LoadUnits<TFormat>(quants, weightScales, words, scales, sums, rows, units, tokens, r0, t0, u0);
    }

    private readonly void LoadQuads<TFormat>(ArrayView<Vector4Words> quants, ArrayView<Vector4Words> weightScales,
        ArrayView<Vector4Words> words, ArrayView<Vector4Words> scales, ArrayView<Vector4Words> sums,
        int rows, int quads, int tokens, int r0, int t0, int q0)
        where TFormat : struct, IQuantFormat
    {
        int tid = Group.IdxX, stepQuads = StepUnits / 4;
        var format = default(TFormat);
        // Weights: a thread a quad of one row.
        for (int i = tid; i < TileRows * stepQuads; i += GroupSum.Size)
        {
            int r = i / stepQuads, qq = i % stepQuads, row = r0 + r, quad = q0 + qq;
            bool valid = row < rows && quad < quads;
            StoredUnit s0 = default, s1 = default, s2 = default, s3 = default;
            if (valid) QuantLayout.LoadQuad<TFormat>(quants, weightScales, row, quad, 4 * quads, out s0, out s1, out s2, out s3);
            // Past the matrix, zero units (a zero stored unit may decode to nonzero weights: Q4_0's offset).
            PutWeights(r, 4 * qq, valid ? format.Unpack(s0) : default);
            PutWeights(r, 4 * qq + 1, valid ? format.Unpack(s1) : default);
            PutWeights(r, 4 * qq + 2, valid ? format.Unpack(s2) : default);
            PutWeights(r, 4 * qq + 3, valid ? format.Unpack(s3) : default);
        }
        // Activations [token][word j][quad]: a thread one word of four units.
        for (int i = tid; i < TileTokens * 8 * stepQuads; i += GroupSum.Size)
        {
            int qq = i % stepQuads, j = i / stepQuads % 8, t = i / (stepQuads * 8), token = t0 + t, quad = q0 + qq;
            var a = token < tokens && quad < quads ? words[((long)token * 8 + j) * quads + quad] : default;
            int o = t * RowWords + 32 * qq + j;
            Activations[o] = a.X;
            Activations[o + 8] = a.Y;
            Activations[o + 16] = a.Z;
            Activations[o + 24] = a.W;
        }
        for (int i = tid; i < TileTokens * stepQuads; i += GroupSum.Size)
        {
            int qq = i % stepQuads, t = i / stepQuads, token = t0 + t, quad = q0 + qq;
            bool valid = token < tokens && quad < quads;
            var d = valid ? scales[(long)token * quads + quad] : default;
            var s = valid ? sums[(long)token * quads + quad] : default;
            int at = 4 * qq * TileTokens + t;
            ActivationScale[at] = Interop.IntAsFloat(d.X);
            ActivationScale[at + TileTokens] = Interop.IntAsFloat(d.Y);
            ActivationScale[at + 2 * TileTokens] = Interop.IntAsFloat(d.Z);
            ActivationScale[at + 3 * TileTokens] = Interop.IntAsFloat(d.W);
            ActivationSum[at] = (int)s.X;
            ActivationSum[at + TileTokens] = (int)s.Y;
            ActivationSum[at + 2 * TileTokens] = (int)s.Z;
            ActivationSum[at + 3 * TileTokens] = (int)s.W;
        }
    }

    private readonly void LoadUnits<TFormat>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        int rows, int units, int tokens, int r0, int t0, int u0)
        where TFormat : struct, IQuantFormat
    {
        int tid = Group.IdxX;
        // Weights: consecutive threads decode consecutive units of a row.
        for (int i = tid; i < TileRows * StepUnits; i += GroupSum.Size)
        {
            int r = i / StepUnits, uu = i % StepUnits, row = r0 + r, unit = u0 + uu;
            PutWeights(r, uu, row < rows && unit < units ? QuantLayout.Decode<TFormat>(quants, weightScales, row, unit, units) : new QuantUnit());
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

    /// <summary>Unit uu of tile row r, decoded, into the stage.</summary>
    private readonly void PutWeights(int r, int uu, in QuantUnit q)
    {
        int o = r * RowWords + uu * 8;
        Weights[o] = q.W0; Weights[o + 1] = q.W1; Weights[o + 2] = q.W2; Weights[o + 3] = q.W3;
        Weights[o + 4] = q.W4; Weights[o + 5] = q.W5; Weights[o + 6] = q.W6; Weights[o + 7] = q.W7;
        ScaleLo[uu * TileRows + r] = q.ScaleLo;
        ScaleHi[uu * TileRows + r] = q.ScaleHi;
        Min[uu * TileRows + r] = q.Min;
    }
}
