using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>BF16 weights, two a word; activations rounded to bfloat16.</summary>
public struct BF16Format : IFloatFormat
{
    public readonly int ElementsPerWord => 2;
    public readonly float First(uint word) => DeviceMath.BFloat16ToFloat(word & 0xFFFF);
    public readonly float Second(uint word) => DeviceMath.BFloat16ToFloat(word >> 16);
    public readonly float Activation(float x) => DeviceMath.RoundToBFloat16(x);
}
