namespace LlamaPS.Engine.Tests.Models.Reference;

/// <summary>A Hugging Face rope_scaling entry.</summary>
internal abstract record RopeScaling;

/// <summary>rope_type "linear": positions divided by the factor.</summary>
internal sealed record LinearRopeScaling(double Factor) : RopeScaling;

/// <summary>rope_type "llama3" (Llama 3.1): low frequencies divided by the factor, high ones kept, a smooth blend between.</summary>
internal sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions) : RopeScaling;

/// <summary>rope_type "yarn" with its default attention factor.</summary>
internal sealed record YarnRopeScaling(double Factor, int OriginalMaxPositions, double BetaFast = 32, double BetaSlow = 1) : RopeScaling;

/// <summary>rope_type "longrope" (Phi-3 128k): per-pair divisors, short ones within the original context, long ones beyond.</summary>
internal sealed record LongRopeScaling(double[] ShortFactor, double[] LongFactor, int OriginalMaxPositions) : RopeScaling;
