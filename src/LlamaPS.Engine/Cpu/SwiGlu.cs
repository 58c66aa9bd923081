using System.Numerics.Tensors;

namespace LlamaPS.Engine.Cpu;

/// <summary>gate = silu(gate) * up, element-wise over n values (the llama feed-forward's gating).</summary>
public static unsafe class SwiGlu
{
    public static void Compute(float* gate, float* up, long n)
    {
        const int chunk = 1024;
        Span<float> s = stackalloc float[chunk];
        for (long i = 0; i < n; i += chunk)
        {
            int len = (int)Math.Min(chunk, n - i);
            var g = new Span<float>(gate + i, len);
            // silu(g) = g * sigmoid(g)
            TensorPrimitives.Sigmoid(g, s[..len]);
            TensorPrimitives.Multiply(g, s[..len], g);
            TensorPrimitives.Multiply(g, new ReadOnlySpan<float>(up + i, len), g);
        }
    }
}
