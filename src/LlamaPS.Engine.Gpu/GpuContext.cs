using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using LlamaPS.Engine.Gpu.Cuda;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Gpu;

/// <summary>
/// The llama/qwen2 forward pass on the device for one sequence, the same steps as the CPU engine's. Everything stays
/// in device memory across the layers: a step uploads the token ids (with their first position, in one copy) and
/// downloads the last token's logits, nothing else. A prompt runs in batches of up to <see cref="MaxBatch"/> tokens through the tiled matrix-matrix kernels;
/// generation is the 1-token case through the matrix-vector kernels.
/// Buffers, all [batch, width]: x and xb [B, dim], q and att [B, qDim], k and v [B, kvDim], gate and up [B, ffn];
/// the KV cache, f16, per layer K and V [contextLength, kvDim]. For n tokens q, k and v lie one after the other in
/// one buffer, as do gate and up, so that for one token a stacked matrix (<see cref="MatrixStack"/>) writes them all.
/// A backend holding the last blocks only (<see cref="IOffloadContext"/>) starts from hidden states uploaded from the
/// host instead of token ids, and caches its own blocks only.
/// </summary>
internal sealed class GpuContext : IInferenceContext, IOffloadContext
{
    public const int MaxBatch = 512;

    private readonly GpuBackend _b;
    private readonly ModelConfig _c;
    private readonly OperatorKernels _ops;
    // The step's input in one buffer, so that one copy uploads it: [0] the first token's position, [1..] the token ids.
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _step;
    private readonly ArrayView<int> _position, _ids;
    private readonly int[] _hostStep = new int[MaxBatch + 1];
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _x, _xb, _qkv, _att, _gateUp, _logits;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense> _keys, _values;
    private readonly QuantizedActivations _quantized;
    private readonly List<IDisposable> _buffers = [];
    private readonly AcceleratorStream _stream;
    private CudaGraph? _decodeGraph;
    private string? _graphFailure;

    public GpuContext(GpuBackend backend, int contextLength)
    {
        _b = backend;
        _c = backend.Model.Config;
        _ops = backend.Operators;
        ContextLength = contextLength;
        var a = backend.Accelerator;
        a.Bind();
        // CUDA: a stream of the context's own, since the default one (the legacy NULL stream) cannot be recorded.
        _stream = a is CudaAccelerator ? a.CreateStream() : a.DefaultStream;
        if (_stream != a.DefaultStream) _buffers.Add(_stream);
        try
        {
            MemoryBuffer1D<T, Stride1D.Dense> Buffer<T>(long length) where T : unmanaged
            {
                var b = a.Allocate1D<T>(Math.Max(1, length));
                _buffers.Add(b);
                return b;
            }
            _step = Buffer<int>(MaxBatch + 1);
            _position = _step.View.SubView(0, 1);
            _ids = _step.View.SubView(1, MaxBatch);
            _x = Buffer<float>(MaxBatch * (long)_c.EmbeddingLength);
            _xb = Buffer<float>(MaxBatch * (long)_c.EmbeddingLength);
            _qkv = Buffer<float>(MaxBatch * (long)(_c.QueryDim + 2 * _c.KvDim));
            _att = Buffer<float>(MaxBatch * (long)_c.QueryDim);
            _gateUp = Buffer<float>(MaxBatch * 2L * _c.FeedForwardLength);
            _logits = Buffer<float>(_c.VocabSize);
            _keys = Buffer<ushort>((long)backend.Layers.Count * contextLength * _c.KvDim);
            _values = Buffer<ushort>((long)backend.Layers.Count * contextLength * _c.KvDim);
            int maxCols = Math.Max(Math.Max(_c.EmbeddingLength, _c.QueryDim), _c.FeedForwardLength);
            _quantized = new QuantizedActivations(a, MaxBatch, maxCols);
            _buffers.Add(_quantized);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int ContextLength { get; }

    public long MemoryBytes => _buffers.Sum(b => b switch { MemoryBuffer m => m.LengthInBytes, QuantizedActivations q => q.ByteSize, _ => 0 });

    public void Evaluate(ReadOnlySpan<int> tokens, int startPosition, Span<float> logits)
    {
        if (tokens.Length == 1 && _b.TokenEmbedding is not null && _stream is CudaStream cuda && _b.UseCudaGraphs)
            Decode(tokens[0], startPosition, logits, cuda);
        else
            Logits(Blocks(tokens, default, false, startPosition, default), logits);
    }

    /// <summary>Whether generation replays a recorded CUDA graph on this context.</summary>
    public bool RecordedGraph => _decodeGraph is not null;

    /// <summary>Why generation runs without a CUDA graph on this context; null while it uses one or has not tried.</summary>
    public string? GraphFailure => _graphFailure;

    /// <summary>
    /// One generated token on CUDA: the whole step (embedding, blocks, logits) recorded once as a CUDA graph and
    /// replayed for every token after; only the token id and its position cross to the device first, in one copy.
    /// </summary>
    private void Decode(int token, int startPosition, Span<float> logits, CudaStream cuda)
    {
        Check(1, startPosition, [token]);
        _b.Accelerator.Bind();
        Upload(startPosition, [token]);
        if (_decodeGraph is null && _graphFailure is null)
            _decodeGraph = CudaGraph.TryRecord(cuda, DecodeLaunches, out _graphFailure);
        if (_decodeGraph is not null) _decodeGraph.Launch(cuda);
        else DecodeLaunches();
        _logits.View.SubView(0, _c.VocabSize).CopyToCPU(_stream, ref MemoryMarshal.GetReference(logits), _c.VocabSize);
    }

    private void DecodeLaunches()
    {
        _b.TokenEmbedding!.Kernels.Gather(_stream, _b.TokenEmbedding, _ids, _x.View, 1);
        Forward(1);
        LogitsLaunches(0);
    }

    public void Evaluate(ReadOnlySpan<float> states, int startPosition, Span<float> logits) =>
        Logits(Blocks(default, states, true, startPosition, default), logits);

    public void EvaluateHiddenStates(ReadOnlySpan<int> tokens, int startPosition, Span<float> hiddenStates) =>
        Blocks(tokens, default, false, startPosition, CheckedOutput(tokens.Length, hiddenStates));

    public void EvaluateHiddenStates(ReadOnlySpan<float> states, int startPosition, Span<float> hiddenStates) =>
        Blocks(default, states, true, startPosition, CheckedOutput(states.Length / _c.EmbeddingLength, hiddenStates));

    private Span<float> CheckedOutput(int tokens, Span<float> hiddenStates)
    {
        int dim = _c.EmbeddingLength;
        if (hiddenStates.Length < (long)tokens * dim)
            throw new ArgumentException($"The buffer holds {hiddenStates.Length} values; {tokens} tokens of {dim} need more.", nameof(hiddenStates));
        return hiddenStates;
    }

    /// <summary>The logits [vocab] of the token at row <paramref name="last"/> of x: normed alone and projected to the vocabulary.</summary>
    private void Logits(int last, Span<float> logits)
    {
        LogitsLaunches(last);
        _logits.View.SubView(0, _c.VocabSize).CopyToCPU(_stream, ref MemoryMarshal.GetReference(logits), _c.VocabSize);
    }

    private void LogitsLaunches(int last)
    {
        int dim = _c.EmbeddingLength;
        _ops.RmsNorm(_stream, _x.View.SubView((long)last * dim, dim), _b.OutputNorm.View, _xb.View, 1, dim, _c.RmsEpsilon);
        Project(_xb.View, dim, 1, 0, (_b.Output, _logits.View, false));
    }

    /// <summary>The step's first position and its token ids (none where hidden states come instead), in one copy.</summary>
    private void Upload(int position, ReadOnlySpan<int> tokens)
    {
        _hostStep[0] = position;
        tokens.CopyTo(_hostStep.AsSpan(1));
        _step.View.SubView(0, 1 + tokens.Length).CopyFromCPU(_stream, ref _hostStep[0], 1 + tokens.Length);
    }

    /// <summary>Checks that <paramref name="count"/> tokens fit from <paramref name="startPosition"/> on and that the ids are in the vocabulary.</summary>
    private void Check(int count, int startPosition, ReadOnlySpan<int> tokens)
    {
        if (startPosition < 0 || startPosition + count > ContextLength)
            throw new ContextLengthExceededException(startPosition + count, ContextLength);
        foreach (int id in tokens)
            if ((uint)id >= (uint)_c.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), id, $"Token id outside the vocabulary of {_c.VocabSize}.");
    }

    /// <summary>
    /// Checks the input, token ids or hidden states [n, dim] entering the backend's first block (the only input of a
    /// backend holding the last blocks), then runs the blocks over it in batches; with <paramref name="hiddenStates"/>, each batch's
    /// final-normed states are copied there. Returns the index of the last token in the last batch.
    /// </summary>
    private int Blocks(ReadOnlySpan<int> tokens, ReadOnlySpan<float> states, bool fromStates, int startPosition, Span<float> hiddenStates)
    {
        int dim = _c.EmbeddingLength;
        if (!fromStates && _b.TokenEmbedding is null)
            throw new InvalidOperationException($"This context runs blocks {_b.FirstLayer}.. and takes hidden states, not token ids.");
        if (fromStates && states.Length % dim != 0)
            throw new ArgumentException($"Hidden states must be whole rows of {dim} floats; {states.Length} were given.", nameof(states));
        int count = fromStates ? states.Length / dim : tokens.Length;
        if (count == 0) throw new ArgumentException("No tokens to evaluate.", fromStates ? nameof(states) : nameof(tokens));
        Check(count, startPosition, tokens);

        _b.Accelerator.Bind();
        int n = 0;
        for (int done = 0; done < count; done += MaxBatch)
        {
            n = Math.Min(MaxBatch, count - done);
            int position = startPosition + done;
            if (fromStates)
            {
                Upload(position, default);
                _x.View.SubView(0, (long)n * dim).CopyFromCPU(_stream, ref MemoryMarshal.GetReference(states.Slice(done * dim)), (long)n * dim);
            }
            else
            {
                Upload(position, tokens.Slice(done, n));
                _b.TokenEmbedding!.Kernels.Gather(_stream, _b.TokenEmbedding, _ids, _x.View, n);
            }
            Forward(n);
            if (hiddenStates.IsEmpty) continue;
            _ops.RmsNorm(_stream, _x.View, _b.OutputNorm.View, _xb.View, n, dim, _c.RmsEpsilon);
            _xb.View.SubView(0, (long)n * dim).CopyToCPU(_stream, ref MemoryMarshal.GetReference(hiddenStates.Slice(done * dim)), (long)n * dim);
        }
        return n - 1;
    }

    /// <summary>Runs the backend's blocks over the n tokens, at the positions from the one in _position on, whose residual stream [n, dim] is in x.</summary>
    private void Forward(int n)
    {
        int dim = _c.EmbeddingLength, qDim = _c.QueryDim, kvDim = _c.KvDim, ffn = _c.FeedForwardLength;
        long cache = (long)ContextLength * kvDim;
        ArrayView<float> x = _x.View, xb = _xb.View, att = _att.View;
        ArrayView<float> q = _qkv.View.SubView(0, (long)n * qDim), k = _qkv.View.SubView((long)n * qDim, (long)n * kvDim);
        ArrayView<float> v = _qkv.View.SubView((long)n * (qDim + kvDim), (long)n * kvDim);
        ArrayView<float> gate = _gateUp.View.SubView(0, (long)n * ffn), up = _gateUp.View.SubView((long)n * ffn, (long)n * ffn);

        for (int l = 0; l < _b.Layers.Count; l++)
        {
            GpuLayer L = _b.Layers[l];
            ArrayView<ushort> keys = _keys.View.SubView(l * cache, cache), values = _values.View.SubView(l * cache, cache);
            // Attention: xb = norm(x); q, k, v = W xb (+ b); rotate q, k; cache k, v; att = attention; x += Wo att.
            // Where every product reads the same 8-bit form, the norm is computed as x is quantized and xb is not written.
            int qkvUnits = SharedActivationUnits(L.Qkv.Parts);
            if (qkvUnits != 0) _ops.QuantizeNormed(_stream, x, L.AttnNorm.View, _c.RmsEpsilon, dim, n, qkvUnits, _quantized);
            else _ops.RmsNorm(_stream, x, L.AttnNorm.View, xb, n, dim, _c.RmsEpsilon);
            Project(xb, dim, n, qkvUnits, L.Qkv, _qkv.View, q, k, v);
            if (L.Bq is not null) _ops.BiasAdd(_stream, q, L.Bq.View, n, qDim);
            if (L.Bk is not null) _ops.BiasAdd(_stream, k, L.Bk.View, n, kvDim);
            if (L.Bv is not null) _ops.BiasAdd(_stream, v, L.Bv.View, n, kvDim);
            _ops.Rope(_stream, q, k, n, _c.HeadCount, _c.HeadCountKv, _c.HeadDim, _position, _c.Rope.Dimensions, _c.Rope.FreqBase, _c.Rope.Style == RopeStyle.Neox);
            _ops.KvStore(_stream, k, v, keys, values, _position, n, kvDim);
            _ops.Attention(_stream, q, keys, values, att, _position, n, _c.HeadCount, _c.HeadCountKv, _c.HeadDim);
            Project(att, qDim, n, 0, (L.Wo, x, true));

            // Feed-forward: x += Down(silu(Gate xb) * Up xb) with xb = norm(x); norm and gating fused into the
            // quantization as above where the products allow.
            int gateUpUnits = SharedActivationUnits(L.GateUp.Parts), downUnits = L.Down.Kernels.ActivationBlockUnits;
            if (gateUpUnits != 0) _ops.QuantizeNormed(_stream, x, L.FfnNorm.View, _c.RmsEpsilon, dim, n, gateUpUnits, _quantized);
            else _ops.RmsNorm(_stream, x, L.FfnNorm.View, xb, n, dim, _c.RmsEpsilon);
            Project(xb, dim, n, gateUpUnits, L.GateUp, _gateUp.View, gate, up);
            if (downUnits != 0) _ops.QuantizeGated(_stream, gate, up, ffn, n, downUnits, _quantized);
            else _ops.SwiGlu(_stream, gate, up, n * ffn);
            Project(gate, ffn, n, downUnits, (L.Down, x, true));
        }
    }

    /// <summary>The 8-bit activation form (units a scale) all of <paramref name="matrices"/> read, or 0 where they differ or one is float.</summary>
    private static int SharedActivationUnits(IReadOnlyList<DeviceMatrix> matrices)
    {
        int units = matrices[0].Kernels.ActivationBlockUnits;
        foreach (var m in matrices)
            if (m.Kernels.ActivationBlockUnits != units) return 0;
        return units;
    }

    /// <summary>
    /// The products of x with a stack's parts into <paramref name="outputs"/> (one per part): for one token by
    /// stack, each stack writing its rows side by side in <paramref name="joined"/> (where the outputs lie one after
    /// the other), for a batch part by part.
    /// </summary>
    private void Project(ArrayView<float> x, int cols, int tokens, int quantizedAs, MatrixStack stack, ArrayView<float> joined, params ArrayView<float>[] outputs)
    {
        if (tokens == 1)
        {
            long row = 0;
            var products = new (DeviceMatrix, ArrayView<float>, bool)[stack.Stacks.Count];
            for (int i = 0; i < products.Length; i++)
            {
                products[i] = (stack.Stacks[i], joined.SubView(row, stack.Stacks[i].Rows), false);
                row += stack.Stacks[i].Rows;
            }
            Project(x, cols, 1, quantizedAs, products);
        }
        else
        {
            Project(x, cols, tokens, quantizedAs, stack.Parts.Select((p, i) => (p, outputs[i], false)).ToArray());
        }
    }

    /// <summary>
    /// Products of one input x [tokens, cols] with several matrices: x is quantized once for each activation format
    /// the matrices need (in the order they come), then each product runs. <paramref name="quantizedAs"/> names the
    /// form the quantized activations already hold x in (0: none).
    /// </summary>
    private void Project(ArrayView<float> x, int cols, int tokens, int quantizedAs, params (DeviceMatrix W, ArrayView<float> Y, bool Accumulate)[] products)
    {
        foreach (var (w, y, accumulate) in products)
        {
            int blockUnits = w.Kernels.ActivationBlockUnits;
            if (blockUnits != 0 && blockUnits != quantizedAs)
            {
                _ops.Quantize(_stream, x, cols, tokens, blockUnits, _quantized);
                quantizedAs = blockUnits;
            }
            w.Kernels.Multiply(_stream, w, x, _quantized, y, tokens, accumulate, tokens == 1 && _b.MatrixVectorKernels);
        }
    }

    public void Dispose()
    {
        _decodeGraph?.Dispose();
        _decodeGraph = null;
        foreach (var b in _buffers) b.Dispose();
        _buffers.Clear();
    }
}
