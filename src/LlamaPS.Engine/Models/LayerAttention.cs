namespace LlamaPS.Engine.Models;

/// <summary>
/// How one block attends: over the last <see cref="SlidingWindow"/> positions, the current one included (0: the
/// whole context), with its rotary embedding (gemma3's windowed layers have a RoPE base of their own).
/// </summary>
public sealed record LayerAttention(int SlidingWindow, RopeConfig Rope);
