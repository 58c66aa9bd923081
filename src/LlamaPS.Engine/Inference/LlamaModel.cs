using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// A loaded model, ready to generate: the GGUF model, its tokenizer, and a backend that runs it. Contexts (KV caches)
/// are pooled so repeated prompts reuse their memory. Everything is released by <see cref="Dispose"/>.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly ConcurrentBag<IInferenceContext> _idle = new();
    private readonly object _gate = new();
    private int _rented;
    private bool _disposed;
    private bool _released;

    private LlamaModel(GgufModel model, ITokenizer tokenizer, ChatTemplate? chatTemplate, IInferenceBackend backend, ModelLoadOptions options, TimeSpan loadTime)
    {
        Gguf = model;
        Tokenizer = tokenizer;
        ChatTemplate = chatTemplate;
        Backend = backend;
        Options = options;
        LoadTime = loadTime;
        ContextLength = ContextLengthFor(model, options);
    }

    private static int ContextLengthFor(GgufModel model, ModelLoadOptions options) =>
        options.ContextLength > 0 ? options.ContextLength : Math.Min(model.Config.TrainingContextLength, ModelLoadOptions.DefaultMaxContext);

    /// <summary>The backend <see cref="ModelLoadOptions.Device"/> and <see cref="ModelLoadOptions.GpuLayers"/> ask for, and what was chosen, in words.</summary>
    private static (IInferenceBackend Backend, string Placement) CreateBackend(GgufModel model, ModelLoadOptions options, int contextLength)
    {
        int layers = model.Config.BlockCount;
        IModelDevice? device = options.Device;
        if (options.GpuLayers < ModelLoadOptions.AllLayersThatFit)
            throw new ArgumentOutOfRangeException(nameof(options), options.GpuLayers, $"GpuLayers must be a layer count or {ModelLoadOptions.AllLayersThatFit} (as many as fit).");
        if (device is null || options.GpuLayers == 0)
            return (new CpuBackend(model, options.Threads), "all layers on the CPU");
        int offload = Math.Min(options.GpuLayers, layers);
        if (options.GpuLayers == ModelLoadOptions.AllLayersThatFit)
        {
            if (device.CannotRun(model) is string reason)
                return (new CpuBackend(model, options.Threads), $"all layers on the CPU: {device.Name} cannot take the model ({reason})");
            offload = device.LayersThatFit(model, contextLength);
            if (offload <= 0)
                return (new CpuBackend(model, options.Threads), $"all layers on the CPU: not even one layer fits in the memory of {device.Name} with a KV cache of {contextLength} positions");
        }
        if (offload >= layers)
            return (device.CreateBackend(model), $"all {layers} layers on {device.Kind} {device.Name}");
        var cpu = new CpuBackend(model, options.Threads, layers - offload);
        try
        {
            return (new HybridBackend(cpu, device.CreateOffload(model, offload)), $"last {offload} of {layers} layers on {device.Kind} {device.Name}, {layers - offload} on the CPU");
        }
        catch
        {
            cpu.Dispose();
            throw;
        }
    }

    public GgufModel Gguf { get; }
    public ITokenizer Tokenizer { get; }

    /// <summary>The model's chat template (tokenizer.chat_template) with its BOS/EOS texts; null for a base model without one.</summary>
    public ChatTemplate? ChatTemplate { get; }
    public IInferenceBackend Backend { get; }
    public ModelLoadOptions Options { get; }
    public TimeSpan LoadTime { get; }

    public string Path => Gguf.File.Path;
    public string Name => Gguf.Name;
    public string Architecture => Gguf.Config.Architecture;
    public long FileSize => Gguf.File.Length;
    public long ParameterCount => Gguf.ParameterCount;
    public int ContextLength { get; }
    public int TrainingContextLength => Gguf.Config.TrainingContextLength;
    /// <summary>Tensor types and counts, e.g. "Q4_0 x29, F32 x9, Q6_K x1".</summary>
    public string TensorTypes => string.Join(", ", Gguf.TensorTypes.Select(kv => $"{kv.Key} x{kv.Value}"));
    public string Device => Backend.Description;
    /// <summary>Where the layers run and why, e.g. "all 22 layers on CUDA NVIDIA H200" or "last 12 of 22 layers on CUDA NVIDIA H200, 10 on the CPU".</summary>
    public string Placement { get; private init; } = "";

    /// <summary>
    /// Opens, validates and prepares a model. Throws FileNotFoundException, <see cref="GgufFormatException"/>,
    /// <see cref="UnsupportedModelException"/>, <see cref="TokenizerException"/> or InvalidDataException; on any
    /// failure nothing stays open.
    /// </summary>
    public static LlamaModel Load(string path, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        if (options.ContextLength < 0) throw new ArgumentOutOfRangeException(nameof(options), "ContextLength must not be negative.");
        var clock = Stopwatch.StartNew();
        var file = GgufFile.Open(path);
        GgufModel? model = null;
        try
        {
            model = GgufModel.Open(file);
            var tokenizer = TokenizerFactory.Create(file.Metadata, file.Path);
            if (tokenizer.Vocabulary.Count != model.Config.VocabSize)
                throw new InvalidDataException($"{file.Path}: the vocabulary has {tokenizer.Vocabulary.Count} tokens but token_embd.weight has {model.Config.VocabSize} rows.");
            var chatTemplate = ChatTemplate.FromGguf(file.Metadata, tokenizer.Vocabulary);
            int contextLength = ContextLengthFor(model, options);
            var (backend, placement) = CreateBackend(model, options, contextLength);
            return new LlamaModel(model, tokenizer, chatTemplate, backend, options, clock.Elapsed) { Placement = placement };
        }
        catch
        {
            if (model is not null) model.Dispose(); else file.Dispose();
            throw;
        }
    }

    public bool IsDisposed
    {
        get { lock (_gate) return _disposed; }
    }

    /// <summary>A context for a new sequence; give it back with <see cref="Return"/>.</summary>
    public IInferenceContext Rent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _rented++;
        }
        try
        {
            return _idle.TryTake(out var ctx) ? ctx : Backend.CreateContext(ContextLength);
        }
        catch
        {
            Return(null);
            throw;
        }
    }

    public void Return(IInferenceContext? context)
    {
        bool release;
        lock (_gate)
        {
            _rented--;
            if (context is not null && !_disposed) _idle.Add(context);
            else context?.Dispose();
            release = _disposed && _rented == 0 && !_released;
            if (release) _released = true;
        }
        if (release) Release();
    }

    /// <summary>
    /// Frees the model. A generation still running (in another runspace, say) keeps the weights mapped until it
    /// returns its context: unmapping under a running kernel would crash the process.
    /// </summary>
    public void Dispose()
    {
        bool release;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            release = _rented == 0;
            if (release) _released = true;
        }
        if (release) Release();
    }

    private void Release()
    {
        while (_idle.TryTake(out var ctx)) ctx.Dispose();
        Backend.Dispose();
        Gguf.Dispose();
    }
}
