using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// One lane's views of <see cref="QuantMmaKernel"/>'s staged step (<see cref="QuantTileStage"/>'s layout), each
/// starting at the first word or scale the lane reads. The kernel unrolls its units and token tiles, so every read
/// below is at a constant offset from one of these: a shared-memory load with an immediate offset, no address
/// arithmetic (which, indexed afresh each time, took half of the kernel's instructions).
/// </summary>
public readonly struct MmaLane
{
    private const int RowWords = QuantMmaKernel.RowWords, TileRows = QuantMmaKernel.TileRows, TileTokens = QuantMmaKernel.TileTokens;

    private readonly ArrayView<uint> _weights, _activations;
    private readonly ArrayView<float> _scaleLo, _scaleHi, _min, _activationScale;
    private readonly ArrayView<int> _activationSum;

    /// <summary>For the lane's A rows <paramref name="row"/> and row + 8 (row = 16 warp + g) and B columns g, with g = lane / 4 and c = lane % 4.</summary>
    public MmaLane(in QuantTileStage stage, int row, int lane)
    {
        int g = lane >> 2, c = lane & 3; // lane is never negative: shifts, where PTX's signed division stays a division
        _weights = stage.Weights.SubView(row * RowWords + c);
        _activations = stage.Activations.SubView(g * RowWords + c);
        _scaleLo = stage.ScaleLo.SubView(row);
        _scaleHi = stage.ScaleHi.SubView(row);
        _min = stage.Min.SubView(row);
        _activationScale = stage.ActivationScale.SubView(2 * c);
        _activationSum = stage.ActivationSum.SubView(2 * c);
    }

    /// <summary>Word c (<paramref name="half"/> 0) or 4 + c (half 1) of unit <paramref name="unit"/> of A row g + <paramref name="below"/> (0 or 8).</summary>
    public uint Weight(int unit, int below, int half) => _weights[below * RowWords + 8 * unit + 4 * half];

    public float ScaleLo(int unit, int below) => _scaleLo[unit * TileRows + below];

    public float ScaleHi(int unit, int below) => _scaleHi[unit * TileRows + below];

    public float Min(int unit, int below) => _min[unit * TileRows + below];

    /// <summary>Word c (<paramref name="half"/> 0) or 4 + c (half 1) of unit <paramref name="unit"/> of token 8 <paramref name="tile"/> + g.</summary>
    public uint Activation(int tile, int unit, int half) => _activations[8 * tile * RowWords + 8 * unit + 4 * half];

    /// <summary>Scale of unit <paramref name="unit"/> of token 8 <paramref name="tile"/> + 2c + <paramref name="k"/> (0 or 1).</summary>
    public float ActivationScale(int tile, int unit, int k) => _activationScale[unit * TileTokens + 8 * tile + k];

    public int ActivationSum(int tile, int unit, int k) => _activationSum[unit * TileTokens + 8 * tile + k];
}
