using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The model on the CPU: every weight matrix viewed in place in the memory-mapped file with the kernel for its type,
/// and a worker pool shared by the model's contexts. Loading checks every tensor type up front, so an unsupported
/// type fails the load (naming the tensor) instead of the first prompt.
/// </summary>
public sealed unsafe class CpuBackend : IInferenceBackend
{
    public CpuBackend(GgufModel model, int threads)
    {
        Model = model;
        Pool = new WorkerPool(threads > 0 ? threads : Environment.ProcessorCount);
        try
        {
            var t = model.Tensors;
            TokenEmbedding = Matrix(t.TokenEmbedding);
            Output = Matrix(t.Output);
            OutputNorm = Vector(t.OutputNorm);
            Layers = t.Layers.Select(l => new CpuLayer(
                Matrix(l.Wq), Matrix(l.Wk), Matrix(l.Wv), Matrix(l.Wo),
                Matrix(l.Gate), Matrix(l.Up), Matrix(l.Down),
                Vector(l.AttnNorm), Vector(l.FfnNorm), Vector(l.Bq), Vector(l.Bk), Vector(l.Bv))).ToArray();
        }
        catch
        {
            Pool.Dispose();
            throw;
        }
    }

    internal GgufModel Model { get; }
    internal WorkerPool Pool { get; }
    internal WeightMatrix TokenEmbedding { get; } // [vocab, dim]
    internal WeightMatrix Output { get; }        // [vocab, dim]
    internal float* OutputNorm { get; }          // [dim]
    internal IReadOnlyList<CpuLayer> Layers { get; }

    public string Description => $"CPU ({Pool.ThreadCount} threads, {CpuFeatures.Describe()})";

    public IInferenceContext CreateContext(int contextLength) => new CpuContext(this, contextLength);

    private WeightMatrix Matrix(GgufTensorInfo t)
    {
        if (Kernels.WeightKernel.For(t.Type) is null)
            throw new UnsupportedModelException(Model.File.Path, UnsupportedFeature.TensorType, t.Type.ToString(),
                $"tensor '{t.Name}' has type {t.Type}, which is not supported (supported: {string.Join(", ", Kernels.WeightKernel.SupportedTypes)}).");
        return new WeightMatrix(t.Name, t.Type, Model.File.GetDataPointer(t), checked((int)t.RowCount), checked((int)t.RowLength));
    }

    private float* Vector(GgufTensorInfo? t) => t is null ? null : (float*)Model.File.GetDataPointer(t);

    public void Dispose() => Pool.Dispose();
}
