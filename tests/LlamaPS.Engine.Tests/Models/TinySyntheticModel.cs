using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Gguf;

namespace LlamaPS.Engine.Tests.Models;

/// <summary>The Tiny preset written once per test class, Q8_0, seed 1, in a folder deleted afterwards.</summary>
public sealed class TinySyntheticModel : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TinySyntheticModel()
    {
        Path = _directory.PathOf("tiny-q8_0.gguf");
        SyntheticModel.Write(Path, SyntheticModelShape.Tiny, WeightMix.Parse("Q8_0"), seed: 1);
    }

    public string Path { get; }

    public void Dispose() => _directory.Dispose();
}
