using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>Deep equality of metadata values that also requires the same CLR type, so a uint32 read back as int32 fails.</summary>
public static class GgufValueAssert
{
    public static void Equal(object expected, object actual, string path)
    {
        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected {expected.GetType().Name}, got {actual.GetType().Name}");
        if (expected is not GgufArray e)
        {
            Assert.Equal(expected, actual);
            return;
        }
        var a = (GgufArray)actual;
        Assert.Equal(e.ElementType, a.ElementType);
        Assert.True(e.Count == a.Count, $"{path}: expected {e.Count} items, got {a.Count}");
        Assert.Equal(e.Items.GetType(), a.Items.GetType());
        for (int i = 0; i < e.Count; i++) Equal(e.Items.GetValue(i)!, a.Items.GetValue(i)!, $"{path}[{i}]");
    }
}
