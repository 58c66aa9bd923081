namespace LlamaPS.Engine.Models;

/// <summary>
/// Where a block normalizes: before attention and before the feed-forward (llama), or also after each of them,
/// before the residual add (gemma2 and gemma3's post_attention_norm and post_ffw_norm).
/// </summary>
public enum NormPlacement
{
    Pre,
    PreAndPost,
}
