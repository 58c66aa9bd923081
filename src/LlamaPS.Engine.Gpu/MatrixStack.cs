namespace LlamaPS.Engine.Gpu;

/// <summary>
/// Matrices that multiply the same input (q, k, v; gate, up), uploaded as consecutive rows of as few device
/// matrices as their types allow: one token's products then take one launch per stack, writing the outputs side by
/// side; a batch multiplies each part (a row slice) on its own.
/// </summary>
internal sealed class MatrixStack(IReadOnlyList<DeviceMatrix> stacks, IReadOnlyList<DeviceMatrix> parts) : IDisposable
{
    /// <summary>The uploads, in order; their rows together are the parts' rows in order.</summary>
    public IReadOnlyList<DeviceMatrix> Stacks { get; } = stacks;

    /// <summary>Each matrix as given, a row slice of its stack.</summary>
    public IReadOnlyList<DeviceMatrix> Parts { get; } = parts;

    public long ByteSize => Stacks.Sum(s => s.ByteSize);

    public void Dispose()
    {
        foreach (var s in Stacks) s.Dispose();
    }
}
