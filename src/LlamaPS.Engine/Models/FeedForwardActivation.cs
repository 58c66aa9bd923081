namespace LlamaPS.Engine.Models;

/// <summary>
/// The activation of the gated feed-forward, Down(act(Gate x) * Up x): SiLU for llama, qwen and phi3 (SwiGLU),
/// GELU in its tanh approximation for gemma (GeGLU).
/// </summary>
public enum FeedForwardActivation
{
    SiLU,
    GeluTanh,
}
