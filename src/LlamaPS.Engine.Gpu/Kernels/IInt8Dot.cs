namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// c plus the dot product of the four signed bytes of a with those of b: the integer step of every quantized
/// product. Implemented by structs, so that a kernel generic over it is specialised by ILGPU: the portable form
/// (<see cref="PortableInt8Dot"/>) everywhere, one instruction where a backend has it (CUDA's dp4a).
/// </summary>
public interface IInt8Dot
{
    int Dot4(uint a, uint b, int c);
}
