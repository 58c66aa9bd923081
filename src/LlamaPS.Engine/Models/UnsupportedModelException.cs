namespace LlamaPS.Engine.Models;

/// <summary>What part of a model the engine cannot run.</summary>
public enum UnsupportedFeature
{
    Architecture,
    TensorType,
    Tokenizer,
    Tensor,
    RopeScaling,
    Pooling,
}

/// <summary>A well-formed GGUF that holds something this engine cannot run: an architecture, a tensor type, a tokenizer, a RoPE scaling, a pooling type.</summary>
public sealed class UnsupportedModelException : Exception
{
    public UnsupportedModelException(string path, UnsupportedFeature feature, string name, string message)
        : base($"{path}: {message}")
    {
        FilePath = path;
        Feature = feature;
        Name = name;
    }

    public string FilePath { get; }
    public UnsupportedFeature Feature { get; }
    /// <summary>The architecture, type, tokenizer, RoPE scaling or pooling name that is not supported.</summary>
    public string Name { get; }
}
