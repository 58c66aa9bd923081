using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Templates;
using LlamaPS.Engine.Tests.Gguf;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>
/// Copies of stories260K (which has no chat template) with a chat template and other metadata changed, written with
/// <see cref="GgufWriter.CopyOf"/> into a folder deleted afterwards: a chat model whose every output is known.
/// </summary>
public sealed class ChatModelFiles : IDisposable
{
    private readonly TempDirectory _directory = new();
    private int _count;

    /// <summary>stories260K with <paramref name="template"/> as tokenizer.chat_template and the given keys set (replaced if present).</summary>
    public string Write(string template, params (string Key, object Value)[] metadata)
    {
        string path = _directory.PathOf($"stories-chat-{++_count}.gguf");
        using var source = GgufFile.Open(SharedData.PathOf("models", "stories260K.gguf"));
        var writer = GgufWriter.CopyOf(source, [ChatTemplate.MetadataKey, .. metadata.Select(m => m.Key)]);
        writer.AddMetadata(ChatTemplate.MetadataKey, template);
        foreach (var (key, value) in metadata) writer.AddMetadata(key, value);
        writer.WriteTo(path);
        return path;
    }

    /// <summary>stories260K's token texts, to rename one in a copy.</summary>
    public static string[] StoriesTokens()
    {
        using var source = GgufFile.Open(SharedData.PathOf("models", "stories260K.gguf"));
        return source.Metadata.GetArray<string>("tokenizer.ggml.tokens")!.ToArray();
    }

    public void Dispose() => _directory.Dispose();
}
