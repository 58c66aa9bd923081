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
    public int TileRows, TileTokens, RowWords;

    /// <summary>Units a step stages (and its log2): a power of two, so that items are split by shifts.</summary>
    public const int StepUnits = 8, StepShift = 3;

    /// <summary>Device: the group's stage in shared memory (constant arguments, as shared sizes must be).</summary>
    public static QuantTileStage Allocate(int tileRows, int tileTokens, int rowWords) => new()
    {
        Weights = SharedMemory.Allocate<uint>(tileRows * rowWords),
        ScaleLo = SharedMemory.Allocate<float>(tileRows * StepUnits),
        ScaleHi = SharedMemory.Allocate<float>(tileRows * StepUnits),
        Min = SharedMemory.Allocate<float>(tileRows * StepUnits),
        Activations = SharedMemory.Allocate<uint>(tileTokens * rowWords),
        ActivationScale = SharedMemory.Allocate<float>(tileTokens * StepUnits),
        ActivationSum = SharedMemory.Allocate<int>(tileTokens * StepUnits),
        TileRows = tileRows, TileTokens = tileTokens, RowWords = rowWords,
    };

    /// <summary>Bytes of shared memory <see cref="Allocate"/> takes.</summary>
    public static int Bytes(int tileRows, int tileTokens, int rowWords) =>
        4 * ((tileRows + tileTokens) * rowWords + (3 * tileRows + 2 * tileTokens) * StepUnits);

    /// <summary>
    /// Stages units u0.. of rows r0.. and tokens t0.. of W [rows, 32 * units] (device layout) and of the quantized
    /// activations [tokens, 32 * units]. Call between barriers. A thread takes <typeparamref name="TWidth"/>'s units
    /// at once: four with one 16-byte load per word (units a multiple of 4, StepUnits too), as decode's products do,
    /// or one. Each loop branches inside on the width, a constant once ILGPU specialises it; two sets of loops on
    /// either side of a branch made PoCL's barrier regions fail.
    /// </summary>
    public readonly void Load<TFormat, TWidth>(ArrayView<uint> quants, ArrayView<float> weightScales,
        ArrayView<uint> words, ArrayView<float> scales, ArrayView<int> sums,
        int rows, int units, int tokens, int r0, int t0, int u0)
        where TFormat : struct, IQuantFormat
        where TWidth : struct, IStagingWidth
    {
        // Items (a unit or a quad of units) a step has per row, and its log2: every index below is non-negative, so
        // shifts and masks replace division, which PTX keeps as a division even by a constant.
        int tid = Group.IdxX, width = default(TWidth).Units, stepItems = StepUnits / width, quads = units >> 2;
        int itemShift = width == 4 ? StepShift - 2 : StepShift, itemMask = stepItems - 1;
        var quantQuads = quants.Cast<Vector4Words>();
        var scaleQuads = weightScales.Cast<Vector4Words>();
        var format = default(TFormat);
        // Weights: a thread one unit, or a quad of units, of a row.
        for (int i = tid; i < TileRows * stepItems; i += GroupSum.Size)
        {
            int r = i >> itemShift, uu = (i & itemMask) * width, row = r0 + r, unit = u0 + uu;
            bool valid = row < rows && unit < units;
            if (width == 4)
            {
                StoredUnit s0 = default, s1 = default, s2 = default, s3 = default;
                if (valid) QuantLayout.LoadQuad<TFormat>(quantQuads, scaleQuads, row, unit >> 2, units, out s0, out s1, out s2, out s3);
                // Past the matrix, zero units (a zero stored unit may decode to nonzero weights: Q4_0's offset).
                PutWeights(r, uu, valid ? format.Unpack(s0) : default);
                PutWeights(r, uu + 1, valid ? format.Unpack(s1) : default);
                PutWeights(r, uu + 2, valid ? format.Unpack(s2) : default);
                PutWeights(r, uu + 3, valid ? format.Unpack(s3) : default);
            }
            else
            {
                PutWeights(r, uu, valid ? QuantLayout.Decode<TFormat>(quants, weightScales, row, unit, units) : default);
            }
        }
        // Activations [token][word j][unit]: an item is word j of one unit, or of a quad of units. Four items a
        // thread a round, all loaded before any is stored, so a round waits on memory once (the item counts,
        // TileTokens * 8 * StepUnits / width, are multiples of 4 * 128 for tiles of a multiple of 32 tokens).
        var wordQuads = words.Cast<Vector4Words>();
        for (int i = tid; i < TileTokens * 8 * stepItems; i += 4 * GroupSum.Size)
        {
            var a0 = ReadActivations(wordQuads, words, i, width, itemShift, tokens, units, t0, u0);
            var a1 = ReadActivations(wordQuads, words, i + GroupSum.Size, width, itemShift, tokens, units, t0, u0);
            var a2 = ReadActivations(wordQuads, words, i + 2 * GroupSum.Size, width, itemShift, tokens, units, t0, u0);
            var a3 = ReadActivations(wordQuads, words, i + 3 * GroupSum.Size, width, itemShift, tokens, units, t0, u0);
            WriteActivations(i, width, itemShift, a0);
            WriteActivations(i + GroupSum.Size, width, itemShift, a1);
            WriteActivations(i + 2 * GroupSum.Size, width, itemShift, a2);
            WriteActivations(i + 3 * GroupSum.Size, width, itemShift, a3);
        }
        var activationScaleQuads = scales.Cast<Vector4Words>();
        var sumQuads = sums.Cast<Vector4Words>();
        for (int i = tid; i < TileTokens * stepItems; i += GroupSum.Size)
        {
            int uu = (i & itemMask) * width, t = i >> itemShift, token = t0 + t, unit = u0 + uu;
            bool valid = token < tokens && unit < units;
            int at = uu * TileTokens + t;
            if (width == 4)
            {
                var d = valid ? activationScaleQuads[(long)token * quads + (unit >> 2)] : default;
                var s = valid ? sumQuads[(long)token * quads + (unit >> 2)] : default;
                ActivationScale[at] = Interop.IntAsFloat(d.X);
                ActivationScale[at + TileTokens] = Interop.IntAsFloat(d.Y);
                ActivationScale[at + 2 * TileTokens] = Interop.IntAsFloat(d.Z);
                ActivationScale[at + 3 * TileTokens] = Interop.IntAsFloat(d.W);
                ActivationSum[at] = (int)s.X;
                ActivationSum[at + TileTokens] = (int)s.Y;
                ActivationSum[at + 2 * TileTokens] = (int)s.Z;
                ActivationSum[at + 3 * TileTokens] = (int)s.W;
            }
            else
            {
                ActivationScale[at] = valid ? scales[(long)token * units + unit] : 0f;
                ActivationSum[at] = valid ? sums[(long)token * units + unit] : 0;
            }
        }
    }

    /// <summary>Activation item i of the step: word j of unit uu (width 1, in X) or of units uu..uu + 3; zero past the matrix.</summary>
    private readonly Vector4Words ReadActivations(ArrayView<Vector4Words> wordQuads, ArrayView<uint> words, int i, int width, int itemShift, int tokens, int units, int t0, int u0)
    {
        int uu = (i & ((1 << itemShift) - 1)) * width, j = (i >> itemShift) & 7, token = t0 + (i >> (itemShift + 3)), unit = u0 + uu;
        if (token >= tokens || unit >= units) return default;
        long row = (long)token * 8 + j;
        return width == 4 ? wordQuads[row * (units >> 2) + (unit >> 2)] : new Vector4Words { X = words[row * units + unit] };
    }

    /// <summary>Item i's word or words into the stage: word j of unit uu of token row t at t * RowWords + 8 uu + j.</summary>
    private readonly void WriteActivations(int i, int width, int itemShift, Vector4Words a)
    {
        int uu = (i & ((1 << itemShift) - 1)) * width, j = (i >> itemShift) & 7, t = i >> (itemShift + 3), o = t * RowWords + uu * 8 + j;
        Activations[o] = a.X;
        if (width == 1) return;
        Activations[o + 8] = a.Y;
        Activations[o + 16] = a.Z;
        Activations[o + 24] = a.W;
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
