using System.Numerics.Tensors;

namespace LlamaPS.Engine.Cpu;

/// <summary>gate = silu(gate) * up, element-wise over n values (the llama feed-forward's gating).</summary>
public static unsafe class SwiGlu
{
    public static void Compute(float* gate, float* up, long n)
    {
        const int chunk = 1 << 16;
        for (long i = 0; i < n; i += chunk)
        {
            int len = (int)Math.Min(chunk, n - i);
            var g = new Span<float>(gate + i, len);
            // silu(g) = g * sigmoid(g)
            Span<float> s = len <= 4096 ? stackalloc float[len] : new float[len];
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(g, s, g);
            TensorPrimitives.Multiply(g, new ReadOnlySpan<float>(up + i, len), g);
        }
    }
}
