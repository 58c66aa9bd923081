using System.Numerics.Tensors;
using LlamaPS.Engine.Models;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// Text in, one vector out, as llama.cpp's embedding example computes it: the text tokenized with the special tokens
/// the vocabulary adds around a sequence (BOS, EOS) and control-token texts parsed, evaluated from position 0, the
/// tokens' hidden states after the final norm pooled into one vector, optionally scaled to unit length. No logits
/// are computed. Cancellation is checked between chunks of <see cref="ChunkTokens"/> tokens.
/// </summary>
public sealed class TextEmbedder(LlamaModel model)
{
    /// <summary>Tokens evaluated per call to the context: hidden states are held for this many tokens at a time.</summary>
    public const int ChunkTokens = 512;

    /// <summary>
    /// The pooling an embedding gets: <paramref name="pooling"/> when given (Mean, Cls or Last), else the model's
    /// <c>{arch}.pooling_type</c>. A model that declares none, as every generative model does, gets Last: where
    /// llama.cpp would return a vector per token, this gives one per text, and in a causal model only the last token
    /// has attended to all of it. Rank (a reranker's score) is refused: it needs a classification head this engine
    /// does not run.
    /// </summary>
    public PoolingType PoolingFor(PoolingType? pooling)
    {
        if (pooling is { } chosen)
            return chosen is PoolingType.Mean or PoolingType.Cls or PoolingType.Last
                ? chosen
                : throw new ArgumentException($"Pooling '{chosen}' cannot be chosen: choose Mean, Cls or Last.", nameof(pooling));
        return model.Gguf.Config.Pooling switch
        {
            PoolingType.None => PoolingType.Last,
            PoolingType.Rank => throw new UnsupportedModelException(model.Path, UnsupportedFeature.Pooling, "rank",
                "the model declares rank pooling (a reranker, which scores with a classification head this engine does not run); choose Mean, Cls or Last pooling to embed with its hidden states."),
            var declared => declared,
        };
    }

    /// <summary>
    /// The embedding of <paramref name="text"/>. Throws ArgumentException for an empty text,
    /// <see cref="ContextLengthExceededException"/> when its tokens do not fit the model's context (unless
    /// <see cref="EmbeddingOptions.Truncate"/>), <see cref="UnsupportedModelException"/> for a reranker, and
    /// OperationCanceledException when cancelled.
    /// </summary>
    public TextEmbedding Embed(string text, EmbeddingOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("The text is empty: there is nothing to embed.", nameof(text));
        PoolingType pooling = PoolingFor(options.Pooling);
        int[] ids = model.Tokenizer.Encode(text, addSpecial: true, parseSpecial: true);
        bool truncated = ids.Length > model.ContextLength;
        if (truncated)
        {
            if (!options.Truncate) throw new ContextLengthExceededException(ids.Length, model.ContextLength);
            ids = Truncate(ids, model.ContextLength);
        }

        int dim = model.Gguf.Config.EmbeddingLength;
        var pool = new HiddenStatePool(pooling, dim);
        var states = new float[Math.Min(ChunkTokens, ids.Length) * dim];
        var ctx = model.Rent();
        try
        {
            for (int done = 0, n; done < ids.Length; done += n)
            {
                cancellation.ThrowIfCancellationRequested();
                n = Math.Min(ChunkTokens, ids.Length - done);
                var chunk = states.AsSpan(0, n * dim);
                ctx.EvaluateHiddenStates(ids.AsSpan(done, n), done, chunk);
                pool.Add(chunk);
            }
        }
        finally
        {
            model.Return(ctx);
        }

        float[] vector = pool.Result();
        if (options.Normalize)
        {
            // A zero vector stays zero, as llama.cpp's common_embd_normalize leaves it.
            float norm = TensorPrimitives.Norm(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        }
        return new TextEmbedding(text, vector, ids.Length, pooling, options.Normalize, truncated);
    }

    /// <summary>The first <paramref name="limit"/> tokens, the last of them the EOS the vocabulary appended if it did.</summary>
    private int[] Truncate(int[] ids, int limit)
    {
        var vocab = model.Tokenizer.Vocabulary;
        return vocab.AddEos && ids[^1] == vocab.EosId ? [.. ids[..(limit - 1)], ids[^1]] : ids[..limit];
    }
}
