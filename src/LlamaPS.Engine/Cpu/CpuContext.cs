using System.Numerics.Tensors;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Cpu;

/// <summary>
/// The forward pass on the CPU for one sequence, doing what the <see cref="ModelConfig"/> says (q/k norms,
/// post-norms, activation, soft-caps, windows, RoPE per layer) whatever the architecture. A prompt is evaluated in
/// batches of up to <see cref="MaxBatch"/> tokens, every matrix product covering the whole batch; generation is the
/// 1-token case. Logits are computed for the last token only; embeddings take every token's final-normed state and
/// skip the output projection.
/// Buffers, all [batch, width]: x and xb [B, dim], q and att [B, qDim], k and v [B, kvDim], gate and up [B, ffn].
/// </summary>
internal sealed unsafe class CpuContext : IInferenceContext
{
    public const int MaxBatch = 256;

    private readonly CpuBackend _b;
    private readonly ModelConfig _c;
    private readonly KvCache _cache;
    private readonly NativeBuffer<float> _x, _xb, _q, _k, _v, _att, _gate, _up, _logits;
    private readonly NativeBuffer<byte> _scratch;
    private readonly nint[] _qkvOut, _gateUpOut; // where the shared-input products of a block write: q, k, v; gate, up
    private readonly float* _ropeFactors; // [ropeDims / 2] or null

    public CpuContext(CpuBackend backend, int contextLength)
    {
        _b = backend;
        _c = backend.Model.Config;
        ContextLength = contextLength;
        _cache = new KvCache(backend.Layers.Count, contextLength, _c.KvDim);
        _x = new(MaxBatch * (long)_c.EmbeddingLength);
        _xb = new(MaxBatch * (long)_c.EmbeddingLength);
        _q = new(MaxBatch * (long)_c.QueryDim);
        _att = new(MaxBatch * (long)_c.QueryDim);
        _k = new(MaxBatch * (long)_c.KvDim);
        _v = new(MaxBatch * (long)_c.KvDim);
        _gate = new(MaxBatch * (long)_c.FeedForwardLength);
        _up = new(MaxBatch * (long)_c.FeedForwardLength);
        _logits = new(_c.VocabSize);
        long scratch = MatMul.ScratchBytes(backend.Output, 1);
        foreach (var l in backend.Layers)
            foreach (var m in l.Matrices)
                scratch = Math.Max(scratch, MatMul.ScratchBytes(m, MaxBatch));
        _scratch = new(scratch);
        _qkvOut = [(nint)_q.Pointer, (nint)_k.Pointer, (nint)_v.Pointer];
        _gateUpOut = [(nint)_gate.Pointer, (nint)_up.Pointer];
        _ropeFactors = backend.RopeFactors(contextLength);
    }

    public int ContextLength { get; }

    internal ModelConfig Config => _c;

    public long MemoryBytes => _cache.ByteSize + _scratch.ByteLength + 4 * (_x.Length + _xb.Length + _q.Length + _att.Length
        + _k.Length + _v.Length + _gate.Length + _up.Length + _logits.Length);

    public void Evaluate(ReadOnlySpan<int> tokens, int startPosition, Span<float> logits)
    {
        int lastBatch = ForwardAll(tokens, startPosition, null);
        // Only the last token's logits are needed: norm it alone and project to the vocabulary.
        int dim = _c.EmbeddingLength;
        float* last = _x.Pointer + (long)(lastBatch - 1) * dim;
        RmsNorm.Compute(last, _b.OutputNorm, _xb.Pointer, 1, dim, _c.RmsEpsilon);
        MatMul.Compute(_b.Output, _xb.Pointer, _logits.Pointer, 1, _b.Pool, _scratch);
        if (_c.FinalLogitSoftCap > 0) SoftCap.Apply(_logits.Pointer, _c.VocabSize, _c.FinalLogitSoftCap);
        new ReadOnlySpan<float>(_logits.Pointer, _c.VocabSize).CopyTo(logits);
    }

    public void EvaluateHiddenStates(ReadOnlySpan<int> tokens, int startPosition, Span<float> hiddenStates)
    {
        if (hiddenStates.Length < (long)tokens.Length * _c.EmbeddingLength)
            throw new ArgumentException($"{tokens.Length} tokens need {tokens.Length} x {_c.EmbeddingLength} floats of hidden states; {hiddenStates.Length} were given.", nameof(hiddenStates));
        fixed (float* states = hiddenStates) ForwardAll(tokens, startPosition, states);
    }

    /// <summary>Throws when there are no tokens, they reach beyond the context, or an id is outside the vocabulary.</summary>
    internal void Check(ReadOnlySpan<int> tokens, int startPosition)
    {
        if (tokens.IsEmpty) throw new ArgumentException("No tokens to evaluate.", nameof(tokens));
        if (startPosition < 0 || startPosition + tokens.Length > ContextLength)
            throw new ContextLengthExceededException(startPosition + tokens.Length, ContextLength);
        foreach (int id in tokens)
            if ((uint)id >= (uint)_c.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), id, $"Token id outside the vocabulary of {_c.VocabSize}.");
    }

    /// <summary>
    /// Runs a batch of up to <see cref="MaxBatch"/> tokens, already checked (<see cref="Check"/>), through this
    /// backend's blocks and returns their residual stream after the last of them, [n, dim]: what a split model hands
    /// to the device's blocks. It stays valid until the next call.
    /// </summary>
    internal ReadOnlySpan<float> ForwardBlocks(ReadOnlySpan<int> tokens, int startPosition)
    {
        if (tokens.Length > MaxBatch) throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Length, $"A batch holds at most {MaxBatch} tokens.");
        Forward(tokens, startPosition);
        return new ReadOnlySpan<float>(_x.Pointer, tokens.Length * _c.EmbeddingLength);
    }

    /// <summary>
    /// Checks the input and runs it through the blocks in batches of up to <see cref="MaxBatch"/>. After each batch,
    /// its tokens' final-normed states [n, dim] go to their rows of <paramref name="states"/> unless that is null.
    /// Returns the size of the last batch, whose states are left in x.
    /// </summary>
    private int ForwardAll(ReadOnlySpan<int> tokens, int startPosition, float* states)
    {
        Check(tokens, startPosition);

        int n = 0, dim = _c.EmbeddingLength;
        for (int done = 0; done < tokens.Length; done += n)
        {
            n = Math.Min(MaxBatch, tokens.Length - done);
            Forward(tokens.Slice(done, n), startPosition + done);
            if (states != null) RmsNorm.Compute(_x.Pointer, _b.OutputNorm, states + (long)done * dim, n, dim, _c.RmsEpsilon);
        }
        return n;
    }

    private void Forward(ReadOnlySpan<int> tokens, int pos)
    {
        int n = tokens.Length, dim = _c.EmbeddingLength;
        float* x = _x.Pointer, xb = _xb.Pointer, q = _q.Pointer, k = _k.Pointer, v = _v.Pointer;
        float* att = _att.Pointer, gate = _gate.Pointer, up = _up.Pointer;
        var pool = _b.Pool;

        for (int t = 0; t < n; t++)
        {
            var row = new Span<float>(x + (long)t * dim, dim);
            _b.TokenEmbedding.Kernel.DequantizeRow(_b.TokenEmbedding.Row(tokens[t]), row);
            if (_c.EmbeddingScale != 1f) TensorPrimitives.Multiply(row, _c.EmbeddingScale, row);
        }

        int heads = _c.HeadCount, kvHeads = _c.HeadCountKv, headDim = _c.HeadDim;
        float eps = _c.RmsEpsilon;
        for (int l = 0; l < _b.Layers.Count; l++)
        {
            CpuLayer L = _b.Layers[l];
            LayerAttention A = _c.Layers[l];
            // Attention: xb = norm(x); q, k, v = W xb (+ b); q, k normed per head if so; rotate q, k; cache k, v;
            // att = attention; xb = Wo att, normed again if so; x += xb.
            RmsNorm.Compute(x, L.AttnNorm, xb, n, dim, eps);
            MatMul.Compute(L.Qkv, xb, _qkvOut, n, pool, _scratch);
            AddBias(q, L.Bq, n, _c.QueryDim);
            AddBias(k, L.Bk, n, _c.KvDim);
            AddBias(v, L.Bv, n, _c.KvDim);
            if (_c.HasQkNorm)
            {
                RmsNorm.Compute(q, L.QNorm, q, n * heads, headDim, eps);
                RmsNorm.Compute(k, L.KNorm, k, n * kvHeads, headDim, eps);
            }
            Rope.Apply(q, n, heads, headDim, pos, A.Rope, _ropeFactors);
            Rope.Apply(k, n, kvHeads, headDim, pos, A.Rope, _ropeFactors);
            _cache.Store(l, pos, n, k, v);
            var attention = new AttentionParameters(heads, kvHeads, headDim, _c.AttentionScale, _c.AttentionSoftCap, A.SlidingWindow);
            Attention.Compute(q, _cache, l, att, pos, n, attention, pool);
            MatMul.Compute(L.Wo, att, xb, n, pool, _scratch);
            if (_c.NormPlacement == NormPlacement.PreAndPost) RmsNorm.Compute(xb, L.PostAttnNorm, xb, n, dim, eps);
            Add(x, xb, (long)n * dim);

            // Feed-forward: xb = Down(act(Gate xb) * Up xb) with xb = norm(x), normed again if so; x += xb.
            RmsNorm.Compute(x, L.FfnNorm, xb, n, dim, eps);
            MatMul.Compute(L.GateUp, xb, _gateUpOut, n, pool, _scratch);
            GatedActivation.Compute(_c.Activation, gate, up, (long)n * _c.FeedForwardLength);
            MatMul.Compute(L.Down, gate, xb, n, pool, _scratch);
            if (_c.NormPlacement == NormPlacement.PreAndPost) RmsNorm.Compute(xb, L.PostFfnNorm, xb, n, dim, eps);
            Add(x, xb, (long)n * dim);
        }
    }

    private static void AddBias(float* y, float* bias, int rows, int width)
    {
        if (bias == null) return;
        var b = new ReadOnlySpan<float>(bias, width);
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(y + (long)r * width, width);
            TensorPrimitives.Add(row, b, row);
        }
    }

    private static void Add(float* x, float* y, long n)
    {
        var xs = new Span<float>(x, checked((int)n));
        TensorPrimitives.Add(xs, new ReadOnlySpan<float>(y, (int)n), xs);
    }

    public void Dispose()
    {
        _cache.Dispose();
        foreach (var b in new[] { _x, _xb, _q, _k, _v, _att, _gate, _up, _logits }) b.Dispose();
        _scratch.Dispose();
    }
}
