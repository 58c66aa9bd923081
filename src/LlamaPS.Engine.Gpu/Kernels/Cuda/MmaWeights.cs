namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// A lane's A fragment of one staged unit for <see cref="TensorCores"/>: words c and 4 + c (elements 4c..4c+3 and
/// 16 + 4c..) of tile rows g and g + 8 of its warp, with those rows' scales and minimums.
/// </summary>
public readonly struct MmaWeights
{
    public readonly uint Row0Lo, Row8Lo, Row0Hi, Row8Hi;
    public readonly float ScaleLo0, ScaleLo8, ScaleHi0, ScaleHi8, Min0, Min8;

    /// <summary>Row <paramref name="row"/> (the warp's row g) and row + 8 of unit <paramref name="unit"/>, for lane column c.</summary>
    public MmaWeights(in QuantTileStage stage, int row, int unit, int c)
    {
        int at = row * stage.RowWords + 8 * unit + c, below = 8 * stage.RowWords;
        Row0Lo = stage.Weights[at];
        Row8Lo = stage.Weights[at + below];
        Row0Hi = stage.Weights[at + 4];
        Row8Hi = stage.Weights[at + below + 4];
        int s = unit * stage.TileRows + row;
        ScaleLo0 = stage.ScaleLo[s];
        ScaleLo8 = stage.ScaleLo[s + 8];
        ScaleHi0 = stage.ScaleHi[s];
        ScaleHi8 = stage.ScaleHi[s + 8];
        Min0 = stage.Min[s];
        Min8 = stage.Min[s + 8];
    }
}
