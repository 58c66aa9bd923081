namespace LlamaPS.Engine.Models;

/// <summary>
/// Which dimensions RoPE rotates together: llama's adjacent pairs (x[2i], x[2i+1]), or GPT-NeoX's halves
/// (x[i], x[i + d/2]) that qwen2 and others use.
/// </summary>
public enum RopeStyle
{
    Normal,
    Neox,
}
