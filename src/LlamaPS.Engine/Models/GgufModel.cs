using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Models;

/// <summary>
/// A transformer as its GGUF file describes it: hyperparameters and tensors by role, data left in the mapping.
/// Knows nothing of devices; a backend turns it into something that runs.
/// </summary>
public sealed class GgufModel : IDisposable
{
    private GgufModel(GgufFile file, ModelConfig config, ModelTensors tensors)
    {
        File = file;
        Config = config;
        Tensors = tensors;
    }

    public GgufFile File { get; }
    public ModelConfig Config { get; }
    public ModelTensors Tensors { get; }

    public string Name => File.Metadata.GetString("general.name") is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(File.Path);

    public long ParameterCount => File.Tensors.Sum(t => t.ElementCount);

    /// <summary>How many tensors of each type the file holds, most common first.</summary>
    public IReadOnlyDictionary<GgmlType, int> TensorTypes =>
        File.Tensors.GroupBy(t => t.Type).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Opens and checks a model file; the GgufModel owns the file from then on.</summary>
    public static GgufModel Open(GgufFile file)
    {
        var embedding = file.FindTensor("token_embd.weight");
        if (file.Metadata.GetString("general.architecture") is not null && embedding is null)
            throw new UnsupportedModelException(file.Path, UnsupportedFeature.Tensor, "token_embd.weight",
                "tensor 'token_embd.weight' is missing (a vocabulary-only GGUF cannot generate text).");
        int vocab = embedding is { Dimensions.Count: 2 } ? checked((int)embedding.Dimensions[1]) : 0;
        var config = ModelConfig.FromGguf(file, vocab);
        return new GgufModel(file, config, ModelTensors.FromGguf(file, config));
    }

    public void Dispose() => File.Dispose();
}
