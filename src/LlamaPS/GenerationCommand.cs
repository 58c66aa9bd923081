using System.Management.Automation;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Sampling;

namespace LlamaPS;

/// <summary>
/// The parameters of cmdlets that generate text: -MaxTokens, the sampling settings and -Stop. Only parameters the
/// caller gives change the options a cmdlet starts from (the engine's defaults, or a chat's own), so a chat keeps
/// its settings for every parameter a turn leaves out.
/// </summary>
public abstract class GenerationCommand : PSCmdlet
{
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxTokens { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public float Temperature { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TopK { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public float TopP { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public float MinP { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public float RepeatPenalty { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int RepeatLastN { get; set; }

    [Parameter]
    public int? Seed { get; set; }

    [Parameter]
    public string[] Stop { get; set; } = [];

    /// <summary><paramref name="baseline"/> with the parameters the caller gave.</summary>
    protected GenerationOptions GivenOptions(GenerationOptions baseline)
    {
        T Given<T>(string name, T value, T otherwise) => MyInvocation.BoundParameters.ContainsKey(name) ? value : otherwise;
        var s = baseline.Sampling;
        return baseline with
        {
            MaxTokens = Given(nameof(MaxTokens), MaxTokens, baseline.MaxTokens),
            Stop = Given<IReadOnlyList<string>>(nameof(Stop), Stop ?? [], baseline.Stop),
            Sampling = new SamplingOptions
            {
                Temperature = Given(nameof(Temperature), Temperature, s.Temperature),
                TopK = Given(nameof(TopK), TopK, s.TopK),
                TopP = Given(nameof(TopP), TopP, s.TopP),
                MinP = Given(nameof(MinP), MinP, s.MinP),
                RepeatPenalty = Given(nameof(RepeatPenalty), RepeatPenalty, s.RepeatPenalty),
                RepeatLastN = Given(nameof(RepeatLastN), RepeatLastN, s.RepeatLastN),
                Seed = Given(nameof(Seed), Seed, s.Seed),
            },
        };
    }

    /// <summary>
    /// The prompt's and the generation's counts and speeds; <paramref name="cache"/> adds how many prompt tokens
    /// were reused from the context's cache and how many were evaluated.
    /// </summary>
    protected void WriteStatsVerbose(GenerationStats s, bool cache)
    {
        string reuse = cache ? $", {s.CachedTokens} reused from the cache, {s.EvaluatedPromptTokens} evaluated" : "";
        WriteVerbose($"Prompt: {s.PromptTokens} tokens{reuse} in {s.PromptTime.TotalMilliseconds:F0} ms ({s.PromptTokensPerSecond:F1} tokens/s).");
        WriteVerbose($"Generation: {s.GeneratedTokens} tokens in {s.GenerationTime.TotalMilliseconds:F0} ms ({s.GenerationTokensPerSecond:F1} tokens/s), stopped by {s.StopReason}.");
    }
}
