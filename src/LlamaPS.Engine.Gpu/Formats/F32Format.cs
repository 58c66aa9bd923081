using ILGPU;

namespace LlamaPS.Engine.Gpu.Formats;

/// <summary>F32 weights, one a word; activations as they are.</summary>
public struct F32Format : IFloatFormat
{
    public readonly int ElementsPerWord => 1;
    public readonly float First(uint word) => Interop.IntAsFloat(word);
    public readonly float Second(uint word) => 0f;
    public readonly float Activation(float x) => x;
}
