namespace LlamaPS.Engine.Tokenizers;

/// <summary>The roles a vocabulary can assign to single tokens (<c>tokenizer.ggml.*_token_id</c>).</summary>
public enum SpecialToken
{
    Bos,
    Eos,
    /// <summary>End of turn.</summary>
    Eot,
    /// <summary>End of message (tool call pending).</summary>
    Eom,
    Unknown,
    Separator,
    Padding,
    Mask,
    FimPrefix,
    FimSuffix,
    FimMiddle,
    FimPad,
    FimRepo,
    FimSeparator,
}
