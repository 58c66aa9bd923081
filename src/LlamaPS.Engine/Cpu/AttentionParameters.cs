namespace LlamaPS.Engine.Cpu;

/// <summary>
/// What one layer's attention computes: <see cref="Heads"/> query heads of <see cref="HeadDim"/> sharing
/// <see cref="KvHeads"/> kv heads; scores q·k * <see cref="Scale"/>, soft-capped to cap * tanh(s / cap) when
/// <see cref="SoftCap"/> is positive; each token sees the last <see cref="Window"/> positions, itself included
/// (0: every earlier position).
/// </summary>
public readonly record struct AttentionParameters(int Heads, int KvHeads, int HeadDim, float Scale, float SoftCap, int Window);
