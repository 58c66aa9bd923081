namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>One unit a load (see <see cref="IStagingWidth"/>): any matrix.</summary>
public readonly struct UnitStaging : IStagingWidth
{
    public int Units => 1;
}
