namespace LlamaPS.Engine.Gpu.Kernels.Cuda;

/// <summary>
/// A lane's A fragment of one staged unit for <see cref="TensorCores"/>: words c and 4 + c (elements 4c..4c+3 and
/// 16 + 4c..) of tile rows g and g + 8 of its warp, with those rows' scales and minimums.
/// </summary>
public readonly struct MmaWeights
{
    public readonly uint Row0Lo, Row8Lo, Row0Hi, Row8Hi;
    public readonly float ScaleLo0, ScaleLo8, ScaleHi0, ScaleHi8, Min0, Min8;

    /// <summary>Unit <paramref name="unit"/> of the lane's rows.</summary>
    public MmaWeights(in MmaLane lane, int unit)
    {
        Row0Lo = lane.Weight(unit, 0, 0);
        Row8Lo = lane.Weight(unit, 8, 0);
        Row0Hi = lane.Weight(unit, 0, 1);
        Row8Hi = lane.Weight(unit, 8, 1);
        ScaleLo0 = lane.ScaleLo(unit, 0);
        ScaleLo8 = lane.ScaleLo(unit, 8);
        ScaleHi0 = lane.ScaleHi(unit, 0);
        ScaleHi8 = lane.ScaleHi(unit, 8);
        Min0 = lane.Min(unit, 0);
        Min8 = lane.Min(unit, 8);
    }
}
