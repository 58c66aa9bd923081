using System.Collections.Concurrent;
using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tokenizers;
using Microsoft.Extensions.Caching.Memory;

namespace LlamaPS;

/// <summary>
/// The session's loaded models (and vocabulary-only tokenizers), kept in a MemoryCache keyed by full path and load
/// options, so a second import or any cmdlet given the same path reuses what is loaded. An evicted model is disposed;
/// a failed load leaves no entry behind.
/// </summary>
internal static class ModelCache
{
    private sealed record ModelKey(string Path, ModelLoadOptions Options);
    private sealed record TokenizerKey(string Path);

    private static readonly MemoryCache Cache = new(new MemoryCacheOptions());
    // MemoryCache 8 cannot enumerate its keys; this index mirrors them for Get-LlamaModel.
    private static readonly ConcurrentDictionary<ModelKey, LlamaModel> Loaded = new();
    private static readonly ConcurrentDictionary<object, object> LoadLocks = new();

    public static IReadOnlyCollection<LlamaModel> Models => Loaded.Values.OrderBy(m => m.Path, StringComparer.Ordinal).ToArray();

    /// <summary>The cached model for this path and options, loading it first if needed. <paramref name="loaded"/> tells which.</summary>
    public static LlamaModel GetOrLoad(string fullPath, ModelLoadOptions options, out bool loaded)
    {
        var key = new ModelKey(fullPath, options);
        loaded = false;
        if (Cache.TryGetValue(key, out LlamaModel? model) && !model!.IsDisposed) return model;
        lock (LoadLocks.GetOrAdd(key, _ => new object()))
        {
            if (Cache.TryGetValue(key, out model) && !model!.IsDisposed) return model;
            model = LlamaModel.Load(fullPath, options);
            var entry = new MemoryCacheEntryOptions { Priority = CacheItemPriority.NeverRemove };
            entry.RegisterPostEvictionCallback(static (k, v, _, _) =>
            {
                // Callbacks run later on the thread pool: by then the same key may hold a newly loaded model,
                // so only the entry of the evicted model itself is removed.
                Loaded.TryRemove(new KeyValuePair<ModelKey, LlamaModel>((ModelKey)k, (LlamaModel)v!));
                ((LlamaModel)v!).Dispose();
            });
            Loaded[key] = model;
            Cache.Set(key, model, entry);
            loaded = true;
            return model;
        }
    }

    /// <summary>A model already loaded from this path, with any options (the first found).</summary>
    public static LlamaModel? FindLoaded(string fullPath) =>
        Loaded.FirstOrDefault(kv => kv.Key.Path == fullPath && !kv.Value.IsDisposed).Value;

    /// <summary>Evicts and frees a model; false when it was not cached.</summary>
    public static bool Remove(LlamaModel model)
    {
        var key = Loaded.FirstOrDefault(kv => ReferenceEquals(kv.Value, model)).Key;
        if (key is null) return false;
        Cache.Remove(key);
        // Post-eviction callbacks run on the thread pool; make removal visible at once.
        Loaded.TryRemove(new KeyValuePair<ModelKey, LlamaModel>(key, model));
        model.Dispose();
        return true;
    }

    /// <summary>
    /// The tokenizer of the GGUF at this path: a loaded model's, else one built from the file's vocabulary alone
    /// (files such as llama.cpp's ggml-vocab-*.gguf hold no weights), cached too.
    /// </summary>
    public static ITokenizer GetTokenizer(string fullPath, ModelLoadOptions options)
    {
        if (FindLoaded(fullPath) is { } model) return model.Tokenizer;
        var key = new TokenizerKey(fullPath);
        if (Cache.TryGetValue(key, out ITokenizer? tokenizer)) return tokenizer!;
        bool hasWeights;
        using (var file = GgufFile.Open(fullPath))
        {
            hasWeights = file.FindTensor("token_embd.weight") is not null;
            if (!hasWeights) tokenizer = TokenizerFactory.Create(file.Metadata, file.Path);
        }
        if (hasWeights) return GetOrLoad(fullPath, options, out _).Tokenizer;
        Cache.Set(key, tokenizer!);
        return tokenizer!;
    }
}
