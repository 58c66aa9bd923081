using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>The real GGUF files of the shared test data, written by llama.cpp's tools, open and read as expected.</summary>
public sealed class GgufSharedFileTests
{
    [Theory]
    [InlineData("models", "stories260K.gguf")]
    [InlineData("tokenizer", "ggml-vocab-llama-spm.gguf")]
    public void EveryFileInTheFolderOpens(string folder, string knownFile)
    {
        string directory = Path.GetDirectoryName(SharedData.PathOf(folder, knownFile))!;
        string[] files = Directory.GetFiles(directory, "*.gguf");
        Assert.NotEmpty(files);
        foreach (string path in files)
        {
            using var file = GgufFile.Open(path);
            Assert.NotNull(file.Metadata.GetString("general.architecture"));
            Assert.NotEmpty(file.Metadata.GetArray<string>("tokenizer.ggml.tokens")!);
            Assert.All(file.Tensors, t => Assert.InRange(t.FileOffset + t.ByteSize, file.DataStart, file.Length));
        }
    }

    [Fact]
    public void Stories260KMetadata()
    {
        using var file = GgufFile.Open(SharedData.PathOf("models", "stories260K.gguf"));
        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Metadata.GetString("general.architecture"));
        Assert.Equal(5, file.Metadata.GetInt32("llama.block_count"));
        Assert.Equal(2048, file.Metadata.GetInt32("llama.context_length"));
        Assert.Equal(64, file.Metadata.GetInt32("llama.embedding_length"));
        Assert.Equal(512, file.Metadata.GetArray<string>("tokenizer.ggml.tokens")!.Length);
        Assert.Equal(512, file.Metadata.GetArray<float>("tokenizer.ggml.scores")!.Length);
    }

    [Fact]
    public void Stories260KTensors()
    {
        using var file = GgufFile.Open(SharedData.PathOf("models", "stories260K.gguf"));
        GgufTensorInfo embedding = file.GetTensor("token_embd.weight");
        Assert.Equal(GgmlType.F32, embedding.Type);
        Assert.Equal([64L, 512L], embedding.Dimensions);
        Assert.Equal(64L * 512 * 4, embedding.ByteSize);
        Assert.Equal(0, embedding.FileOffset % file.Alignment);
        Assert.Equal(5, file.Tensors.Count(t => t.Name.EndsWith(".attn_q.weight", StringComparison.Ordinal)));
        Assert.Null(file.FindTensor("blk.5.attn_q.weight"));
        float[] firstRow = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.GetData(embedding)[..256]).ToArray();
        Assert.All(firstRow, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(firstRow, v => v != 0);
    }
}
