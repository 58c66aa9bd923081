using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The model on the CPU: every weight matrix viewed in place in the memory-mapped file with the kernel for its type,
/// and a worker pool shared by the model's contexts. Loading checks every tensor type up front, so an unsupported
/// type fails the load (naming the tensor) instead of the first prompt. In a model split with a device it holds the
/// first blocks only (<see cref="Layers"/>), whose output a <see cref="HybridContext"/> hands over.
/// </summary>
public sealed unsafe class CpuBackend : IInferenceBackend
{
    public CpuBackend(GgufModel model, int threads) : this(model, threads, model.Config.BlockCount)
    {
    }

    /// <summary>The token embedding and the first <paramref name="layers"/> blocks (all of them for the whole model).</summary>
    public CpuBackend(GgufModel model, int threads, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, model.Config.BlockCount);
        Model = model;
        Pool = new WorkerPool(threads > 0 ? threads : Environment.ProcessorCount);
        try
        {
            var t = model.Tensors;
            TokenEmbedding = Matrix(TensorRows.Whole(t.TokenEmbedding));
            Output = Matrix(TensorRows.Whole(t.Output));
            OutputNorm = Vector(t.OutputNorm);
            Layers = t.Layers.Take(layers).Select(l => new CpuLayer
            {
                Wq = Matrix(l.Wq), Wk = Matrix(l.Wk), Wv = Matrix(l.Wv), Wo = Matrix(l.Wo),
                Gate = Matrix(l.Gate), Up = Matrix(l.Up), Down = Matrix(l.Down),
                AttnNorm = Vector(l.AttnNorm), FfnNorm = Vector(l.FfnNorm),
                Bq = Vector(l.Bq), Bk = Vector(l.Bk), Bv = Vector(l.Bv),
                QNorm = Vector(l.QNorm), KNorm = Vector(l.KNorm),
                PostAttnNorm = Vector(l.PostAttnNorm), PostFfnNorm = Vector(l.PostFfnNorm),
            }).ToArray();
            // The output projection is streamed here only when this backend ends the model.
            HugePageBytes = MapWithHugePages([.. Layers.SelectMany(l => l.Matrices).Concat(layers == model.Config.BlockCount ? [Output] : [])]);
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
    internal IReadOnlyList<CpuLayer> Layers { get; } // the first blocks, or all

    /// <summary>Bytes of the streamed weights that 2 MiB pages map (0 where the system gives none).</summary>
    internal long HugePageBytes { get; }

    public string Description => $"CPU ({Pool.ThreadCount} threads, {CpuFeatures.Describe()}{(HugePageBytes > 0 ? $", {HugePageBytes >> 20} MiB of weights in 2 MiB pages" : "")})";

    public IInferenceContext CreateContext(int contextLength) => new CpuContext(this, contextLength);

    private WeightMatrix Matrix(TensorRows m)
    {
        GgufTensorInfo t = m.Tensor;
        if (Kernels.WeightKernel.For(t.Type) is null)
            throw new UnsupportedModelException(Model.File.Path, UnsupportedFeature.TensorType, t.Type.ToString(),
                $"tensor '{t.Name}' has type {t.Type}, which is not supported (supported: {string.Join(", ", Kernels.WeightKernel.SupportedTypes)}).");
        byte* data = Model.File.GetDataPointer(t) + m.FirstRow * GgmlTypeTraits.RowBytes(t.Type, m.Cols);
        return new WeightMatrix(m.ToString(), t.Type, data, m.Rows, m.Cols);
    }

    // The span of the file that the matrices read every token lie in (see GgufFile.MapWithHugePages).
    private long MapWithHugePages(IReadOnlyList<WeightMatrix> streamed)
    {
        if (streamed.Count == 0) return 0;
        nint first = streamed.Min(w => (nint)w.Data), end = streamed.Max(w => (nint)w.Data + (nint)(w.Rows * w.RowBytes));
        return Model.File.MapWithHugePages((byte*)first, end - first);
    }

    /// <summary>The RoPE frequency divisors [ropeDims / 2] for a context of <paramref name="contextLength"/> positions, or null.</summary>
    internal float* RopeFactors(int contextLength) => Vector(Model.Tensors.RopeFactorsFor(contextLength, Model.Config));

    private float* Vector(GgufTensorInfo? t) => t is null ? null : (float*)Model.File.GetDataPointer(t);

    public void Dispose() => Pool.Dispose();
}
