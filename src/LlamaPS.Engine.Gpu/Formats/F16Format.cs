using LlamaPS.Engine.Gpu.Kernels;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>F16 weights, two a word, decoded with bit operations (no cl_khr_fp16 needed); activations rounded to f16.</summary>
public struct F16Format : IFloatFormat
{
    public readonly int ElementsPerWord => 2;
    public readonly float First(uint word) => DeviceMath.HalfToFloat(word & 0xFFFF);
    public readonly float Second(uint word) => DeviceMath.HalfToFloat(word >> 16);
    public readonly float Activation(float x) => DeviceMath.RoundToHalf(x);
}
