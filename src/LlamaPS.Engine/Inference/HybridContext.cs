using LlamaPS.Engine.Cpu;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// One sequence of a <see cref="HybridBackend"/>: the CPU context's KV cache holds the first blocks, the device's the
/// rest. Input runs in batches of up to <see cref="CpuContext.MaxBatch"/> tokens; each batch's residual stream
/// after the CPU's last block, [n, dim], goes to the device once.
/// </summary>
internal sealed class HybridContext(CpuContext cpu, IOffloadContext device) : IInferenceContext
{
    public int ContextLength => cpu.ContextLength;

    public long MemoryBytes => cpu.MemoryBytes + device.MemoryBytes;

    public void Evaluate(ReadOnlySpan<int> tokens, int startPosition, Span<float> logits)
    {
        // Every batch must pass through the device to fill its KV cache; the last batch's logits are the answer.
        cpu.Check(tokens, startPosition);
        for (int done = 0; done < tokens.Length; done += CpuContext.MaxBatch)
        {
            var batch = tokens.Slice(done, Math.Min(CpuContext.MaxBatch, tokens.Length - done));
            device.Evaluate(cpu.ForwardBlocks(batch, startPosition + done), startPosition + done, logits);
        }
    }

    public void EvaluateHiddenStates(ReadOnlySpan<int> tokens, int startPosition, Span<float> hiddenStates)
    {
        int dim = cpu.Config.EmbeddingLength;
        if (hiddenStates.Length < (long)tokens.Length * dim)
            throw new ArgumentException($"{tokens.Length} tokens need {tokens.Length} x {dim} floats of hidden states; {hiddenStates.Length} were given.", nameof(hiddenStates));
        cpu.Check(tokens, startPosition);
        for (int done = 0; done < tokens.Length; done += CpuContext.MaxBatch)
        {
            var batch = tokens.Slice(done, Math.Min(CpuContext.MaxBatch, tokens.Length - done));
            device.EvaluateHiddenStates(cpu.ForwardBlocks(batch, startPosition + done), startPosition + done, hiddenStates[(done * dim)..]);
        }
    }

    public void Dispose()
    {
        device.Dispose();
        cpu.Dispose();
    }
}
