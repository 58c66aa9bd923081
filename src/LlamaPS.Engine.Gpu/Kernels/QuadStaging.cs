namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>Four units a load (see <see cref="IStagingWidth"/>); the matrix's units a row must be a multiple of 4.</summary>
public readonly struct QuadStaging : IStagingWidth
{
    public int Units => 4;
}
