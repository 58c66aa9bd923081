namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// The one exception for a vocabulary or tokenizer that cannot be built or used: bad or missing metadata (named by
/// <see cref="MetadataKey"/>), an unsupported tokenizer model, or text that the vocabulary cannot represent.
/// </summary>
public sealed class TokenizerException : Exception
{
    public TokenizerException(string message, string? metadataKey = null, Exception? innerException = null)
        : base(metadataKey is null ? message : $"Tokenizer metadata '{metadataKey}': {message}", innerException)
    {
        MetadataKey = metadataKey;
    }

    /// <summary>The GGUF metadata key at fault, when the problem is in the metadata.</summary>
    public string? MetadataKey { get; }
}
