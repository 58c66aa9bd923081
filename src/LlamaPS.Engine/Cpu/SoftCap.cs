using System.Numerics.Tensors;

namespace LlamaPS.Engine.Cpu;

/// <summary>x = cap * tanh(x / cap) over n values: bounds logits smoothly to (-cap, cap), as gemma2's final logits.</summary>
public static unsafe class SoftCap
{
    public static void Apply(float* x, int n, float cap)
    {
        var xs = new Span<float>(x, n);
        TensorPrimitives.Multiply(xs, 1f / cap, xs);
        TensorPrimitives.Tanh(xs, xs);
        TensorPrimitives.Multiply(xs, cap, xs);
    }
}
