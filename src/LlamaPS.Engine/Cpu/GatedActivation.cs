using System.Numerics.Tensors;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// gate = act(gate) * up, element-wise over n values: the gating of a gated feed-forward, with SiLU (SwiGLU) or
/// GELU's tanh approximation (GeGLU).
/// </summary>
public static unsafe class GatedActivation
{
    public static void Compute(FeedForwardActivation activation, float* gate, float* up, long n)
    {
        const int chunk = 1024;
        Span<float> s = stackalloc float[chunk];
        for (long i = 0; i < n; i += chunk)
        {
            int len = (int)Math.Min(chunk, n - i);
            var g = new Span<float>(gate + i, len);
            var a = s[..len];
            switch (activation)
            {
                case FeedForwardActivation.SiLU:
                    // silu(g) = g * sigmoid(g)
                    TensorPrimitives.Sigmoid(g, a);
                    break;
                case FeedForwardActivation.GeluTanh:
                    // gelu(g) = g * 0.5 * (1 + tanh(sqrt(2/pi) * (g + 0.044715 g^3)))
                    TensorPrimitives.Multiply(g, g, a);
                    TensorPrimitives.Multiply(a, 0.044715f, a);
                    TensorPrimitives.Add(a, 1f, a);
                    TensorPrimitives.Multiply(a, g, a);
                    TensorPrimitives.Multiply(a, MathF.Sqrt(2f / MathF.PI), a);
                    TensorPrimitives.Tanh(a, a);
                    TensorPrimitives.Multiply(a, 0.5f, a);
                    TensorPrimitives.Add(a, 0.5f, a);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown feed-forward activation.");
            }
            TensorPrimitives.Multiply(g, a, g);
            TensorPrimitives.Multiply(g, new ReadOnlySpan<float>(up + i, len), g);
        }
    }
}
