namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Whitespace that a special token swallows when it is matched in raw text (llama.cpp's LSTRIP/RSTRIP attributes).
/// GGUF does not store these; llama.cpp sets them by model name (see <see cref="Vocabulary"/>).
/// </summary>
[Flags]
public enum TokenStrip
{
    None = 0,
    /// <summary>Whitespace just before the token is dropped.</summary>
    Left = 1,
    /// <summary>Whitespace just after the token is dropped.</summary>
    Right = 2,
}
