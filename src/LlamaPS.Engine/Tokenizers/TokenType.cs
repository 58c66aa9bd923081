namespace LlamaPS.Engine.Tokenizers;

/// <summary>A token's type as stored in <c>tokenizer.ggml.token_type</c> (the values are llama.cpp's).</summary>
public enum TokenType
{
    /// <summary>Any value outside 1..6; such tokens render as nothing, as llama.cpp does.</summary>
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
