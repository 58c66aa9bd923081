namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// How many consecutive units a thread stages per load in <see cref="QuantTileStage"/>: four with 16-byte loads
/// (<see cref="QuadStaging"/>, for matrices whose units a row are a multiple of 4, every real model's) or one
/// (<see cref="UnitStaging"/>, any matrix). A type argument, not a kernel parameter, so that ILGPU compiles each
/// width without the other's code: the two inside one kernel cost the tiles a tenth of their speed.
/// </summary>
public interface IStagingWidth
{
    int Units { get; }
}
