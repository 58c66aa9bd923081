using System.Numerics.Tensors;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Folds a sequence's hidden states [tokens, dim], handed over chunk by chunk in order, into one vector [dim]: their
/// mean, the first token's (cls) or the last token's. It holds one vector, so a long text's states are never held whole.
/// </summary>
internal sealed class HiddenStatePool
{
    private readonly PoolingType _pooling;
    private readonly int _dim;
    private readonly float[] _vector; // the running sum (mean), or the state kept (cls, last)
    private int _tokens;

    public HiddenStatePool(PoolingType pooling, int dim)
    {
        if (pooling is not (PoolingType.Mean or PoolingType.Cls or PoolingType.Last))
            throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Only Mean, Cls and Last pool hidden states into one vector.");
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        _pooling = pooling;
        _dim = dim;
        _vector = new float[dim];
    }

    /// <summary>The next tokens' states, [n, dim] row by row.</summary>
    public void Add(ReadOnlySpan<float> states)
    {
        if (states.IsEmpty || states.Length % _dim != 0)
            throw new ArgumentException($"Hidden states must be whole rows of {_dim} floats; {states.Length} were given.", nameof(states));
        switch (_pooling)
        {
            case PoolingType.Mean:
                for (int r = 0; r < states.Length; r += _dim) TensorPrimitives.Add(_vector, states.Slice(r, _dim), _vector);
                break;
            case PoolingType.Cls when _tokens == 0:
                states[.._dim].CopyTo(_vector);
                break;
            case PoolingType.Last:
                states[^_dim..].CopyTo(_vector);
                break;
        }
        _tokens += states.Length / _dim;
    }

    /// <summary>The pooled vector of the states added so far.</summary>
    public float[] Result()
    {
        if (_tokens == 0) throw new InvalidOperationException("No hidden states were added.");
        var result = (float[])_vector.Clone();
        if (_pooling == PoolingType.Mean) TensorPrimitives.Multiply(result, 1f / _tokens, result);
        return result;
    }
}
