using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>Every prefix of a complete file is rejected: no cut, wherever it falls, reads as a valid file or crashes.</summary>
public sealed class GgufTruncationTests
{
    [Fact]
    public void EveryTruncationOfTheSampleFileIsRejected()
    {
        byte[] bytes = SampleGguf.Bytes();
        using var temp = new TempDirectory();
        string path = temp.PathOf("sample.gguf");
        long dataStart;
        using (var complete = GgufFile.Open(temp.Write("sample.gguf", bytes))) dataStart = complete.DataStart;
        Assert.True(dataStart > 1000, $"the sample's header should be large enough to cut in many places, is {dataStart} bytes");

        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            GgufFormatException error = MalformedGguf.OpenFails(path);
            Assert.True(error.Offset <= length, $"cut at {length}: error at {error.Offset} lies beyond the end");
            if (length >= dataStart) Assert.Contains("lies outside the file's data section", error.Problem);
        }
    }
}
