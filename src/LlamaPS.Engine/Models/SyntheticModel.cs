using System.Runtime.InteropServices;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Quants;

namespace LlamaPS.Engine.Models;

/// <summary>
/// Writes llama-architecture GGUF models with random weights, loadable by this engine and by llama.cpp, for
/// benchmarks of real model shapes without downloading real models. Weights are generated in row chunks on every
/// core while the file is written, so a tensor is never held in memory whole and billions of weights take seconds.
/// The same shape, mix and seed always give the same bytes.
/// </summary>
public static class SyntheticModel
{
    /// <summary>Environment variable naming the folder <see cref="GetOrCreate"/> keeps models in.</summary>
    public const string CacheDirectoryVariable = "LLAMAPS_BENCH_DIR";

    private const int ChunkBytes = 4 << 20;

    /// <summary>$env:LLAMAPS_BENCH_DIR, or llamaps-bench in the temp folder: outside any checkout, as files reach GB.</summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable(CacheDirectoryVariable) is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "llamaps-bench");

    /// <summary>The file name that identifies a model by every number of its shape, its mix and its seed.</summary>
    public static string FileName(SyntheticModelShape shape, WeightMix mix, int seed) =>
        $"synth-llama-d{shape.EmbeddingLength}-l{shape.BlockCount}-h{shape.HeadCount}-kv{shape.HeadCountKv}-ffn{shape.FeedForwardLength}" +
        $"-v{shape.VocabSize}-ctx{shape.ContextLength}-{mix.Name.ToLowerInvariant()}-seed{seed}.gguf";

    /// <summary>
    /// The path of the model in <paramref name="directory"/> (default <see cref="DefaultCacheDirectory"/>), written
    /// first unless a file of that shape, mix and seed is already there. <paramref name="created"/> tells which.
    /// </summary>
    public static string GetOrCreate(SyntheticModelShape shape, WeightMix mix, int seed, out bool created, string? directory = null, CancellationToken cancellationToken = default)
    {
        directory ??= DefaultCacheDirectory;
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName(shape, mix, seed));
        created = !File.Exists(path);
        // The writer renames a complete file into place, so an existing file is never a half-written one.
        if (created) Write(path, shape, mix, seed, cancellationToken);
        return path;
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/>, replacing any file there. Throws ArgumentException for a shape
    /// that is not a llama model or whose rows do not fit the mix's block sizes.
    /// </summary>
    public static void Write(string path, SyntheticModelShape shape, WeightMix mix, int seed, CancellationToken cancellationToken = default)
    {
        shape.Validate();

        var writer = new GgufWriter();
        writer.AddMetadata("general.architecture", "llama");
        writer.AddMetadata("general.name", $"synthetic {shape.Name} {mix.Name}");
        writer.AddMetadata("llama.context_length", (uint)shape.ContextLength);
        writer.AddMetadata("llama.embedding_length", (uint)shape.EmbeddingLength);
        writer.AddMetadata("llama.block_count", (uint)shape.BlockCount);
        writer.AddMetadata("llama.feed_forward_length", (uint)shape.FeedForwardLength);
        writer.AddMetadata("llama.attention.head_count", (uint)shape.HeadCount);
        writer.AddMetadata("llama.attention.head_count_kv", (uint)shape.HeadCountKv);
        writer.AddMetadata("llama.rope.dimension_count", (uint)shape.HeadDim);
        writer.AddMetadata("llama.rope.freq_base", 10000f);
        writer.AddMetadata("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        writer.AddMetadata("llama.vocab_size", (uint)shape.VocabSize);
        SyntheticVocabulary.AddTo(writer, shape.VocabSize);

        int dim = shape.EmbeddingLength, kv = shape.KvDim, ffn = shape.FeedForwardLength, layers = shape.BlockCount;
        int index = 0;
        void Matrix(string name, string role, int layer, long rowLength, long rows)
        {
            GgmlType type = mix.TypeOf(role, layer, layers);
            int tensorSeed = unchecked(seed * 1_000_003 + index++);
            writer.AddTensor(name, type, [rowLength, rows], output => WriteRandomRows(output, type, rowLength, rows, tensorSeed, cancellationToken));
        }
        void Norm(string name) => writer.AddTensor(name, GgmlType.F32, [dim], WriteOnes);

        // Dimensions in ggml order, [row length, rows]: each matrix maps its row length to its row count.
        Matrix("token_embd.weight", "token_embd", -1, dim, shape.VocabSize);
        Norm("output_norm.weight");
        Matrix("output.weight", "output", -1, dim, shape.VocabSize);
        for (int l = 0; l < layers; l++)
        {
            string p = $"blk.{l}.";
            Norm(p + "attn_norm.weight");
            Matrix(p + "attn_q.weight", "attn_q", l, dim, dim);
            Matrix(p + "attn_k.weight", "attn_k", l, dim, kv);
            Matrix(p + "attn_v.weight", "attn_v", l, dim, kv);
            Matrix(p + "attn_output.weight", "attn_output", l, dim, dim);
            Norm(p + "ffn_norm.weight");
            Matrix(p + "ffn_gate.weight", "ffn_gate", l, dim, ffn);
            Matrix(p + "ffn_up.weight", "ffn_up", l, dim, ffn);
            Matrix(p + "ffn_down.weight", "ffn_down", l, ffn, dim);
        }
        writer.WriteTo(path);

        // Unit norm weights keep activations at the scale the random matrices give them.
        void WriteOnes(Stream output)
        {
            var ones = new float[dim];
            Array.Fill(ones, 1f);
            output.Write(MemoryMarshal.AsBytes(ones.AsSpan()));
        }
    }

    private static void WriteRandomRows(Stream output, GgmlType type, long rowLength, long rows, int tensorSeed, CancellationToken cancellationToken)
    {
        long rowBytes = GgmlTypeTraits.RowBytes(type, rowLength);
        int rowsPerChunk = (int)Math.Max(1, ChunkBytes / rowBytes);
        long chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        // One batch of chunks per core is filled in parallel, then written in order; each chunk has its own seed,
        // so the bytes do not depend on the number of cores.
        int parallel = Environment.ProcessorCount;
        var buffers = new byte[parallel][];
        for (long first = 0; first < chunks; first += parallel)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = (int)Math.Min(parallel, chunks - first);
            Parallel.For(0, batch, i =>
            {
                long chunk = first + i;
                int bytes = (int)(Math.Min(rowsPerChunk, rows - chunk * rowsPerChunk) * rowBytes);
                if (buffers[i]?.Length != bytes) buffers[i] = new byte[bytes];
                RandomWeights.Fill(type, buffers[i], new Random(unchecked(tensorSeed * 65_537 + (int)chunk)));
            });
            for (int i = 0; i < batch; i++) output.Write(buffers[i]);
        }
    }
}
