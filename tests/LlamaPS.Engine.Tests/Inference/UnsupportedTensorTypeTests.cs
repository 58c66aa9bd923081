using LlamaPS.Engine.Gguf;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Gguf;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>A model holding a weight type the CPU engine has no kernel for fails to load, naming the tensor and the type.</summary>
public sealed class UnsupportedTensorTypeTests
{
    [Fact]
    public void LoadingAModelWithAnIQ2_XXSMatrixNamesTheTensorAndItsType()
    {
        using var source = GgufFile.Open(SharedData.PathOf("models", "synth-llama-q8_0.gguf"));
        // A layer matrix whose rows hold whole 256-value IQ2_XXS blocks; its bytes are random (the load must fail before reading them).
        var victim = source.Tensors.First(t => t.Name.StartsWith("blk.", StringComparison.Ordinal) && t.Dimensions.Count == 2 && t.RowLength % 256 == 0);
        var writer = new GgufWriter();
        foreach (string key in source.Metadata.Keys) writer.AddMetadata(key, source.Metadata[key]);
        foreach (var t in source.Tensors)
        {
            long[] dims = t.Dimensions.ToArray();
            if (t == victim)
            {
                var bytes = new byte[GgmlTypeTraits.RowBytes(GgmlType.IQ2_XXS, t.RowLength) * t.RowCount];
                new Random(3).NextBytes(bytes);
                writer.AddTensor(t.Name, GgmlType.IQ2_XXS, dims, bytes);
            }
            else
                writer.AddTensor(t.Name, t.Type, dims, source.GetData(t).ToArray());
        }
        using var dir = new TempDirectory();
        string path = dir.PathOf("iq2_xxs.gguf");
        writer.WriteTo(path);

        var e = Assert.Throws<UnsupportedModelException>(() => LlamaModel.Load(path).Dispose());
        Assert.Equal(UnsupportedFeature.TensorType, e.Feature);
        Assert.Equal("IQ2_XXS", e.Name);
        Assert.Contains(victim.Name, e.Message);
        Assert.Contains("IQ2_XXS", e.Message);
    }
}
