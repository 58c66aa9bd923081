namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Four consecutive floats, read from shared memory as one 16-byte load (ILGPU emits a vector load for an aligned
/// view of it). A struct of floats, not of words (<see cref="Formats.Vector4Words"/>): memory also written a float
/// at a time must be read through a type with float members, or OpenCL C's aliasing rules would let the compiler
/// move the reads past the writes.
/// </summary>
public struct Float4
{
    public float X, Y, Z, W;
}
