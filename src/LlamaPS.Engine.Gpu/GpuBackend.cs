using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Gpu.Kernels;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The model on an ILGPU accelerator (CUDA, OpenCL, or ILGPU's CPU accelerator): every weight repacked once into
/// device memory, and the kernels for its types. Kernels compile (JIT) on a background thread while the weights
/// are repacked and uploaded; <see cref="KernelCompileTime"/> says how long that took. The accelerator belongs to
/// the caller and must outlive the backend. Loading checks every tensor type and the shape limits of the kernels up
/// front, so a model the device cannot run fails the load, naming what it cannot do. In a model split with the CPU
/// engine (<see cref="IOffloadBackend"/>) it holds the blocks from <see cref="FirstLayer"/> on and the output only.
/// </summary>
public sealed unsafe class GpuBackend : IInferenceBackend, IOffloadBackend
{
    private readonly List<IDisposable> _owned = [];

    public GpuBackend(GgufModel model, Accelerator accelerator) : this(model, accelerator, 0)
    {
    }

    /// <summary>Blocks <paramref name="firstLayer"/>.. and the output; from 0, the whole model with its token embedding.</summary>
    public GpuBackend(GgufModel model, Accelerator accelerator, int firstLayer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstLayer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(firstLayer, model.Config.BlockCount);
        Model = model;
        Accelerator = accelerator;
        FirstLayer = firstLayer;
        var c = model.Config;
        CheckDevice(accelerator);
        CheckShape(model, c);
        var t = model.Tensors;
        var kernels = new Dictionary<GgmlType, WeightKernels>();
        foreach (var tensor in Held(t, firstLayer).Where(x => x.Dimensions.Count == 2))
        {
            if (kernels.ContainsKey(tensor.Type)) continue;
            kernels[tensor.Type] = WeightKernels.Create(tensor.Type) ?? throw new UnsupportedModelException(model.File.Path, UnsupportedFeature.TensorType, tensor.Type.ToString(),
                $"tensor '{tensor.Name}' has type {tensor.Type}, which the GPU backend does not support (supported: {string.Join(", ", WeightKernels.SupportedTypes)}).");
        }

        Operators = new OperatorKernels();
        var compile = Task.Run(() =>
        {
            accelerator.Bind();
            var clock = Stopwatch.StartNew();
            Operators.Compile(accelerator);
            foreach (var k in kernels.Values) k.Compile(accelerator);
            return clock.Elapsed;
        });
        try
        {
            var clock = Stopwatch.StartNew();
            accelerator.Bind();
            // A part is a tensor's rows FirstRow.. (a block of a fused tensor, or the whole tensor).
            DeviceMatrix Upload(string name, IReadOnlyList<TensorRows> infos)
            {
                var parts = infos.Select(i => ((nint)(model.File.GetDataPointer(i.Tensor) + i.FirstRow * GgmlTypeTraits.RowBytes(i.Tensor.Type, i.Cols)), i.Rows)).ToArray();
                var m = kernels[infos[0].Tensor.Type].Upload(accelerator, name, parts, infos[0].Cols);
                _owned.Add(m);
                return m;
            }
            DeviceMatrix Matrix(TensorRows info) => Upload(info.ToString(), [info]);
            // Consecutive tensors of one type share a stack.
            MatrixStack Stack(params TensorRows[] infos)
            {
                var stacks = new List<DeviceMatrix>();
                var parts = new List<DeviceMatrix>();
                for (int i = 0; i < infos.Length;)
                {
                    int end = i + 1;
                    while (end < infos.Length && infos[end].Tensor.Type == infos[i].Tensor.Type) end++;
                    var group = infos[i..end];
                    var stack = Upload(string.Join(" + ", group.Select(g => g.ToString())), group);
                    stacks.Add(stack);
                    int row = 0;
                    foreach (var g in group)
                    {
                        parts.Add(stack.Slice(g.ToString(), row, g.Rows));
                        row += g.Rows;
                    }
                    i = end;
                }
                return new MatrixStack(stacks, parts);
            }
            MemoryBuffer1D<float, Stride1D.Dense>? Vector(GgufTensorInfo? info)
            {
                if (info is null) return null;
                var b = accelerator.Allocate1D<float>(info.ElementCount);
                _owned.Add(b);
                b.View.CopyFromCPU(ref *(float*)model.File.GetDataPointer(info), info.ElementCount);
                return b;
            }
            TokenEmbedding = firstLayer == 0 ? Matrix(TensorRows.Whole(t.TokenEmbedding)) : null;
            Output = TokenEmbedding is not null && ReferenceEquals(t.Output, t.TokenEmbedding) ? TokenEmbedding : Matrix(TensorRows.Whole(t.Output));
            OutputNorm = Vector(t.OutputNorm)!;
            Layers = t.Layers.Skip(firstLayer).Select(l => new GpuLayer(
                Stack(l.Wq, l.Wk, l.Wv), Matrix(l.Wo), Stack(l.Gate, l.Up), Matrix(l.Down),
                Vector(l.AttnNorm)!, Vector(l.FfnNorm)!, Vector(l.Bq), Vector(l.Bk), Vector(l.Bv))).ToArray();
            accelerator.Synchronize();
            UploadTime = clock.Elapsed;
            KernelCompileTime = compile.GetAwaiter().GetResult();
        }
        catch
        {
            try { compile.Wait(); } catch (Exception) { /* the upload's exception is the one to report */ }
            Dispose();
            throw;
        }
    }

    internal GgufModel Model { get; }
    public Accelerator Accelerator { get; }
    internal OperatorKernels Operators { get; }
    internal DeviceMatrix? TokenEmbedding { get; }         // [vocab, dim]; null when the CPU holds it (FirstLayer > 0)
    internal DeviceMatrix Output { get; } = null!;         // [vocab, dim]
    internal MemoryBuffer1D<float, Stride1D.Dense> OutputNorm { get; } = null!; // [dim]
    internal IReadOnlyList<GpuLayer> Layers { get; } = []; // blocks FirstLayer..

    /// <summary>The first block held; 0 for the whole model.</summary>
    public int FirstLayer { get; }

    /// <summary>
    /// Whether one token's products take the matrix-vector kernels. Not on ILGPU's CPU accelerator, where each group
    /// barrier costs milliseconds of thread switching: there the tiled kernels, with a sixteenth of the groups and
    /// half the barriers per group, are many times faster even for one token.
    /// </summary>
    public bool MatrixVectorKernels => Accelerator.AcceleratorType != AcceleratorType.CPU;

    /// <summary>
    /// Whether contexts on a CUDA device record a generated token's launches once as a CUDA graph and replay it
    /// (on by default; the benchmark turns it off to show what the launches cost).
    /// </summary>
    public bool UseCudaGraphs { get; set; } = true;

    /// <summary>Time the kernels took to compile and load (JIT), overlapped with the upload.</summary>
    public TimeSpan KernelCompileTime { get; }

    /// <summary>Time the weights took to be repacked and copied to the device.</summary>
    public TimeSpan UploadTime { get; }

    /// <summary>Device memory the weights take.</summary>
    public long WeightBytes => _owned.Sum(o => o switch { DeviceMatrix m => m.ByteSize, MemoryBuffer b => b.LengthInBytes, _ => 0 });

    public string Description => $"{Accelerator.AcceleratorType} {Accelerator.Name} (ILGPU)";

    /// <summary>A context that starts from token ids; only for the whole model (<see cref="FirstLayer"/> 0).</summary>
    public IInferenceContext CreateContext(int contextLength)
    {
        if (FirstLayer != 0)
            throw new InvalidOperationException($"This backend holds blocks {FirstLayer}.. only; their input comes from the CPU engine's blocks (IOffloadBackend), not from token ids.");
        return new GpuContext(this, contextLength);
    }

    IOffloadContext IOffloadBackend.CreateContext(int contextLength) => new GpuContext(this, contextLength);

    /// <summary>The tensors a backend from block <paramref name="firstLayer"/> on holds: the token embedding only from 0.</summary>
    private static IEnumerable<GgufTensorInfo> Held(ModelTensors t, int firstLayer) =>
        (firstLayer == 0 ? t.All() : new[] { t.OutputNorm, t.Output }.Concat(t.Layers.Skip(firstLayer).SelectMany(l => l.All()))).Distinct();

    /// <summary>The devices the kernels cannot run on, and why; none for a usable one.</summary>
    public static string? Unusable(Device device)
    {
        if (device is ILGPU.Runtime.OpenCL.CLDevice cl && !cl.Capabilities.GenericAddressSpace)
            return $"OpenCL C {cl.CVersion} without the generic address space, which ILGPU's OpenCL kernels need (OpenCL C 2.0 or later).";
        if (device.MaxNumThreadsPerGroup < GroupSum.Size)
            return $"groups of at most {device.MaxNumThreadsPerGroup} threads; the kernels need {GroupSum.Size}.";
        if (device.MaxSharedMemoryPerGroup < SharedBytesNeeded)
            return $"{device.MaxSharedMemoryPerGroup} bytes of shared memory a group; the kernels need {SharedBytesNeeded}.";
        return null;
    }

    /// <summary>
    /// Whether prompt processing takes the tensor-core kernels (<see cref="Kernels.Cuda.QuantMmaKernel"/>): CUDA
    /// devices of compute capability 8.0 (Ampere) and later, whose mma.sync multiplies 8-bit integers.
    /// </summary>
    public static bool HasTensorCores(Accelerator accelerator) =>
        accelerator is ILGPU.Runtime.Cuda.CudaAccelerator { Architecture: { } arch } && arch >= ILGPU.Runtime.Cuda.CudaArchitecture.SM_80
        && accelerator.MaxSharedMemoryPerGroup >= Kernels.Cuda.QuantMmaKernel.SharedBytes;

    private static int SharedBytesNeeded => Math.Max(QuantGemmKernel.SharedBytes, AttentionKernel.SharedBytes);

    private static void CheckDevice(Accelerator accelerator)
    {
        if (Unusable(accelerator.Device) is string reason)
            throw new NotSupportedException($"{accelerator.Name} cannot run the GPU backend: {reason}");
    }

    private static void CheckShape(GgufModel model, ModelConfig c)
    {
        void Fail(string what) => throw new UnsupportedModelException(model.File.Path, UnsupportedFeature.Architecture, c.Architecture, $"the GPU backend cannot run this model: {what}");
        if (c.HeadDim > AttentionKernel.MaxHeadDim) Fail($"head size {c.HeadDim} exceeds {AttentionKernel.MaxHeadDim}.");
        if (c.HeadDim % 8 != 0) Fail($"head size {c.HeadDim} is not a multiple of 8, as the attention kernel's reads of the f16 cache and its score loop need.");
        if (MissingFeature(model) is { } feature) Fail($"it needs {feature}, which only the CPU engine runs so far.");
        foreach (var tensor in model.Tensors.All().Where(x => x.Dimensions.Count == 2))
        {
            long cols = tensor.RowLength;
            if (cols % (WeightKernels.Create(tensor.Type)?.ColumnMultiple ?? 1) != 0) Fail($"tensor '{tensor.Name}' has rows of {cols} values, not a multiple of what its type {tensor.Type} packs.");
        }
    }

    /// <summary>
    /// What of the model's description the device forward pass does not do (it runs the llama and qwen2 block:
    /// pre-norms, SwiGLU, optional q/k/v biases, one unscaled RoPE for every layer, full causal attention); null when
    /// it runs the model as the CPU engine does.
    /// </summary>
    public static string? MissingFeature(GgufModel model)
    {
        ModelConfig c = model.Config;
        RopeConfig rope = c.Rope;
        if (model.Tensors.RopeFreqs is not null || model.Tensors.RopeFactorsShort is not null || model.Tensors.RopeFactorsLong is not null)
            return "RoPE frequency factors";
        if (c.NormPlacement != NormPlacement.Pre) return "norms after attention and feed-forward";
        if (c.Activation != FeedForwardActivation.SiLU) return $"the {c.Activation} activation";
        if (c.HasQkNorm) return "q/k norms";
        if (c.EmbeddingScale != 1f) return "embedding scaling";
        if (c.AttentionScale != 1f / MathF.Sqrt(c.HeadDim)) return "a query scale other than 1/sqrt(head size)";
        if (c.AttentionSoftCap != 0 || c.FinalLogitSoftCap != 0) return "logit soft-capping";
        if (c.Layers.Any(l => l.SlidingWindow != 0)) return "sliding-window attention";
        if (c.Layers.Any(l => l.Rope != rope)) return "a RoPE that differs between layers";
        if (rope.FreqScale != 1f || rope.MagnitudeScale != 1f || rope.Yarn is not null) return "RoPE scaling";
        return null;
    }

    /// <summary>
    /// Device memory the model's last <paramref name="layers"/> blocks (all of them by default) need with one context
    /// of <paramref name="contextLength"/> positions: their weights and the output's (repacked layouts are within a
    /// few percent of GGUF's), the token embedding when every block is there, their f16 KV cache and a batch's
    /// activations.
    /// </summary>
    public static long EstimateBytes(GgufModel model, int contextLength, int? layers = null)
    {
        ModelConfig c = model.Config;
        int offloaded = layers ?? c.BlockCount;
        long weights = Held(model.Tensors, c.BlockCount - offloaded).Sum(t => GgmlTypeTraits.RowBytes(t.Type, t.RowLength) * t.RowCount);
        long kvCache = 2L * 2 * offloaded * contextLength * c.KvDim;
        long activations = 4L * GpuContext.MaxBatch * (2 * c.EmbeddingLength + 2 * c.QueryDim + 2 * c.KvDim + 2 * c.FeedForwardLength) + 4L * c.VocabSize;
        return weights + kvCache + activations;
    }

    public void Dispose()
    {
        foreach (var o in _owned) o.Dispose();
        _owned.Clear();
    }
}
