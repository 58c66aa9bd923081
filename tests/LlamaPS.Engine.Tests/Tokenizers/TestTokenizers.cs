using System.Collections.Concurrent;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Engine.Tests.Tokenizers;

/// <summary>Tokenizers of the shared vocabulary files, built once per test run (a 32K vocabulary takes a moment).</summary>
internal static class TestTokenizers
{
    private static readonly ConcurrentDictionary<string, Lazy<ITokenizer>> Cache = new();

    public static ITokenizer LlamaSpm => Get("tokenizer", "ggml-vocab-llama-spm.gguf");
    public static ITokenizer Phi3 => Get("tokenizer", "ggml-vocab-phi-3.gguf");
    public static ITokenizer Stories260K => Get("models", "stories260K.gguf");
    public static ITokenizer LlamaBpe => Get("tokenizer", "ggml-vocab-llama-bpe.gguf");
    public static ITokenizer Gpt2 => Get("tokenizer", "ggml-vocab-gpt-2.gguf");
    public static ITokenizer BertBge => Get("tokenizer", "ggml-vocab-bert-bge.gguf");

    /// <summary>The tokenizer of a file under ../shared (skips or fails the test as <see cref="SharedData"/> does when it is missing).</summary>
    public static ITokenizer Get(params string[] parts)
    {
        string path = SharedData.PathOf(parts);
        return Cache.GetOrAdd(path, p => new Lazy<ITokenizer>(() => Load(p))).Value;
    }

    public static GgufMetadata ReadMetadata(string path)
    {
        using var file = GgufFile.Open(path);
        return file.Metadata;
    }

    private static ITokenizer Load(string path) => TokenizerFactory.Create(ReadMetadata(path));
}
