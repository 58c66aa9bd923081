
namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Keys and values of every layer for up to <see cref="Capacity"/> positions, stored as f16 like llama.cpp's default
/// cache: per layer, K [capacity, kvHeads * headDim] and V of the same shape.
/// </summary>
public sealed unsafe class KvCache : IDisposable
{
    private readonly NativeBuffer<ushort>[] _keys;
    private readonly NativeBuffer<ushort>[] _values;

    public KvCache(int layers, int capacity, int kvDim)
    {
        Capacity = capacity;
        KvDim = kvDim;
        _keys = new NativeBuffer<ushort>[layers];
        _values = new NativeBuffer<ushort>[layers];
        for (int l = 0; l < layers; l++)
        {
            _keys[l] = new NativeBuffer<ushort>((long)capacity * kvDim);
            _values[l] = new NativeBuffer<ushort>((long)capacity * kvDim);
        }
    }

    public int Capacity { get; }
    public int KvDim { get; }
    public long ByteSize => 2L * _keys.Length * Capacity * KvDim * sizeof(ushort);

    public ushort* Keys(int layer) => _keys[layer].Pointer;
    public ushort* Values(int layer) => _values[layer].Pointer;

    /// <summary>Stores k and v [tokens, kvDim] at positions start..start+tokens-1 of a layer, rounding to f16.</summary>
    public void Store(int layer, int start, int tokens, float* k, float* v)
    {
        if (start < 0 || start + tokens > Capacity) throw new ArgumentOutOfRangeException(nameof(start), "Position beyond the KV cache.");
        long offset = (long)start * KvDim, n = (long)tokens * KvDim;
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(new ReadOnlySpan<float>(k, checked((int)n)), new Span<Half>((Half*)Keys(layer) + offset, (int)n));
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(new ReadOnlySpan<float>(v, (int)n), new Span<Half>((Half*)Values(layer) + offset, (int)n));
    }

    public void Dispose()
    {
        foreach (var b in _keys) b.Dispose();
        foreach (var b in _values) b.Dispose();
    }
}
