using System.Text;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests;
using LlamaPS.Engine.Tests.Golden;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Gpu.Tests;

/// <summary>
/// stories260K's greedy story from the GPU backend, token by token through the one-token path, is the CPU engine's
/// and llama.cpp's (the golden run's ids). On the GPUs only: ILGPU's CPU accelerator would take minutes for 32 tokens
/// (its golden test covers the same path in two).
/// </summary>
public abstract class GreedyTextGpuTests(ITestOutputHelper output)
{
    protected abstract string Kind { get; }

    [Fact]
    public void GreedyStoryMatchesCpuAndLlamaCpp()
    {
        var accelerator = TestDevice.Get(Kind);
        var golden = GoldenRun.Load("stories260K", "p1");
        using var gguf = GgufModel.Open(GgufFile.Open(SharedData.PathOf("models", "stories260K.gguf")));
        using var gpu = new GpuBackend(gguf, accelerator);
        using var cpu = new CpuBackend(gguf, 2);
        int vocab = gguf.Config.VocabSize, n = golden.GenIds.Length;
        // On CUDA the generated tokens replay a recorded graph: that path is the one checked.
        int[] fromGpu = Greedy(gpu, golden.PromptIds, n, vocab, ctx =>
        {
            var context = (GpuContext)ctx;
            if (accelerator.AcceleratorType == ILGPU.Runtime.AcceleratorType.Cuda) Assert.True(context.RecordedGraph, $"no CUDA graph: {context.GraphFailure}");
        });
        int[] fromCpu = Greedy(cpu, golden.PromptIds, n, vocab);
        var tokenizer = TokenizerFactory.Create(gguf.File.Metadata, gguf.File.Path);
        string Text(int[] ids) => Encoding.UTF8.GetString(ids.SelectMany(id => tokenizer.GetPiece(id, false).ToArray()).ToArray());
        output.WriteLine($"{gpu.Description}: {Text(fromGpu)}");
        Assert.Equal(fromCpu, fromGpu);
        Assert.Equal(golden.GenIds, fromGpu);
    }

    internal static int[] Greedy(IInferenceBackend backend, int[] prompt, int count, int vocab, Action<IInferenceContext>? check = null)
    {
        using var ctx = backend.CreateContext(prompt.Length + count);
        var logits = new float[vocab];
        var ids = new int[count];
        ctx.Evaluate(prompt, 0, logits);
        for (int i = 0; i < count; i++)
        {
            ids[i] = GoldenComparison.ArgMax(logits);
            if (i + 1 < count) ctx.Evaluate([ids[i]], prompt.Length + i, logits);
        }
        check?.Invoke(ctx);
        return ids;
    }
}

public sealed class GreedyTextCudaTests(ITestOutputHelper output) : GreedyTextGpuTests(output)
{
    protected override string Kind => "cuda";
}

public sealed class GreedyTextOpenClTests(ITestOutputHelper output) : GreedyTextGpuTests(output)
{
    protected override string Kind => "opencl";
}
