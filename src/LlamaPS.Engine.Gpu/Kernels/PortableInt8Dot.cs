namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// <see cref="IInt8Dot"/> in plain integer operations, the bytes sign-extended by shifts: what every backend can
/// compile (OpenCL C has no portable 4-byte dot product).
/// </summary>
public readonly struct PortableInt8Dot : IInt8Dot
{
    public int Dot4(uint a, uint b, int c) =>
        c + ((int)(a << 24) >> 24) * ((int)(b << 24) >> 24) + ((int)(a << 16) >> 24) * ((int)(b << 16) >> 24)
          + ((int)(a << 8) >> 24) * ((int)(b << 8) >> 24) + ((int)a >> 24) * ((int)b >> 24);
}
