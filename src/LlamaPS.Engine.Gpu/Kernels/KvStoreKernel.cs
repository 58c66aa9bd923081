using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// Stores k and v [tokens, kvDim] at positions position[0].. of one layer's cache (keys and values [capacity, kvDim],
/// f16 bits as llama.cpp's default cache), rounding to nearest even; one thread a value (index = t * kvDim + e).
/// </summary>
public static class KvStoreKernel
{
    public static void Run(Index1D index, ArrayView<float> k, ArrayView<float> v, ArrayView<ushort> keys, ArrayView<ushort> values, ArrayView<int> position, int kvDim)
    {
        long at = (long)position[0] * kvDim + index;
        keys[at] = (ushort)DeviceMath.FloatToHalf(k[index]);
        values[at] = (ushort)DeviceMath.FloatToHalf(v[index]);
    }
}
