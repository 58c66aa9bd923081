namespace LlamaPS.Engine.Gguf;

/// <summary>
/// The write-only stream a tensor-data callback of <see cref="GgufWriter"/> writes into: it forwards to the file and
/// refuses to go past the tensor's declared size, so a wrong callback fails at its first extra byte instead of
/// shifting every later tensor.
/// </summary>
internal sealed class GgufTensorDataStream : Stream
{
    private readonly Stream _target;
    private readonly string _tensorName;

    public GgufTensorDataStream(Stream target, string tensorName, long expectedBytes)
    {
        _target = target;
        _tensorName = tensorName;
        ExpectedBytes = expectedBytes;
    }

    public long ExpectedBytes { get; }
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > ExpectedBytes - Written)
            throw new InvalidOperationException(
                $"Tensor '{_tensorName}': the data callback wrote more than the tensor's {ExpectedBytes} bytes.");
        _target.Write(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    // The writer flushes the file once at the end; flushing per tensor would only cost syscalls.
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
