using System.Runtime.InteropServices;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// Unmanaged, 64-byte aligned memory for activations and the KV cache: kernels take raw pointers without pinning,
/// and the memory is freed deterministically when a session or model goes away.
/// </summary>
public sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    private T* _ptr;

    public NativeBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        nuint bytes = (nuint)Math.Max(1, length * sizeof(T));
        _ptr = (T*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(_ptr, bytes);
    }

    public long Length { get; }
    public long ByteLength => Length * sizeof(T);

    public T* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_ptr == null, this);
            return _ptr;
        }
    }

    public Span<T> AsSpan(long start, int length)
    {
        if (start < 0 || length < 0 || start + length > Length) throw new ArgumentOutOfRangeException(nameof(start));
        return new Span<T>(Pointer + start, length);
    }

    public void Dispose()
    {
        if (_ptr == null) return;
        NativeMemory.AlignedFree(_ptr);
        _ptr = null;
    }
}
