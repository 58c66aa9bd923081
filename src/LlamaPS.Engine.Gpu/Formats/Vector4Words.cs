namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>
/// Four consecutive 32-bit values read as one 16-byte load (ILGPU emits a vector load for an aligned view of it): the
/// same word of four consecutive units, in the device layouts where units are the fastest index. Floats go by their bits.
/// </summary>
public struct Vector4Words
{
    public uint X, Y, Z, W;
}
