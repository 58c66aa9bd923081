using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tests.Gguf;

/// <summary>
/// A small complete GGUF file with every metadata value type, arrays of each (strings and nested arrays included)
/// and tensors of several ggml types whose sizes need padding between them, for round-trip and truncation tests.
/// </summary>
public static class SampleGguf
{
    public static readonly (string Key, object Value)[] Metadata =
    [
        ("general.architecture", "llama"),
        ("test.uint8", (byte)200),
        ("test.int8", (sbyte)-100),
        ("test.uint16", (ushort)60000),
        ("test.int16", (short)-30000),
        ("test.uint32", 4_000_000_000u),
        ("test.int32", -2_000_000_000),
        ("test.float32", 3.25f),
        ("test.bool_true", true),
        ("test.bool_false", false),
        ("test.string", "h\u00e9llo \u2713 \U0001F600"),
        ("test.empty_string", ""),
        ("test.uint64", ulong.MaxValue),
        ("test.int64", long.MinValue),
        ("test.float64", Math.PI),
        ("test.array.uint8", new GgufArray(GgufValueType.UInt8, new byte[] { 0, 1, 255 })),
        ("test.array.int8", new GgufArray(GgufValueType.Int8, new sbyte[] { -128, 0, 127 })),
        ("test.array.uint16", new GgufArray(GgufValueType.UInt16, new ushort[] { 0, 65535 })),
        ("test.array.int16", new GgufArray(GgufValueType.Int16, new short[] { -32768, 32767 })),
        ("test.array.uint32", new GgufArray(GgufValueType.UInt32, new uint[] { 0, uint.MaxValue })),
        ("test.array.int32", new GgufArray(GgufValueType.Int32, new[] { int.MinValue, 0, int.MaxValue })),
        ("test.array.float32", new GgufArray(GgufValueType.Float32, new[] { -1.5f, 0f, float.MaxValue })),
        ("test.array.bool", new GgufArray(GgufValueType.Bool, new[] { true, false, true })),
        ("test.array.string", new GgufArray(GgufValueType.String, new[] { "<s>", "", "\u2581the", "\U0001F600" })),
        ("test.array.uint64", new GgufArray(GgufValueType.UInt64, new[] { 0UL, ulong.MaxValue })),
        ("test.array.int64", new GgufArray(GgufValueType.Int64, new[] { long.MinValue, long.MaxValue })),
        ("test.array.float64", new GgufArray(GgufValueType.Float64, new[] { double.Epsilon, -2.5 })),
        ("test.array.empty", new GgufArray(GgufValueType.Float32, Array.Empty<float>())),
        ("test.array.nested", new GgufArray(GgufValueType.Array, new[]
        {
            new GgufArray(GgufValueType.Int32, new[] { 1, 2 }),
            new GgufArray(GgufValueType.String, new[] { "a", "bc" }),
            new GgufArray(GgufValueType.Array, new[] { new GgufArray(GgufValueType.Bool, new[] { true }) }),
        })),
    ];

    /// <summary>Shapes in ggml order. The last tensor's size is a multiple of 32, so the file ends with no padding.</summary>
    public static readonly (string Name, GgmlType Type, long[] Dimensions)[] Tensors =
    [
        ("a.f32", GgmlType.F32, [5, 3]),
        ("b.q8_0", GgmlType.Q8_0, [64, 2]),
        ("c.f16", GgmlType.F16, [3]),
        ("d.q4_k", GgmlType.Q4_K, [256, 1, 2]),
        ("e.bf16", GgmlType.BF16, [2, 1, 1, 3]),
        ("f.i8", GgmlType.I8, [32]),
    ];

    public static byte[] DataOf(int tensorIndex)
    {
        var (_, type, dims) = Tensors[tensorIndex];
        long bytes = GgmlTypeTraits.RowBytes(type, dims[0]) * dims.Skip(1).Aggregate(1L, (a, b) => a * b);
        return Enumerable.Range(0, (int)bytes).Select(i => (byte)(i * 7 + tensorIndex * 50 + 1)).ToArray();
    }

    /// <summary>A writer holding the sample, with tensor data given as bytes or, when <paramref name="streamed"/>, written by callbacks in small pieces.</summary>
    public static GgufWriter CreateWriter(uint version = 3, bool streamed = false)
    {
        var writer = new GgufWriter(version);
        foreach (var (key, value) in Metadata) writer.AddMetadata(key, value);
        for (int i = 0; i < Tensors.Length; i++)
        {
            var (name, type, dims) = Tensors[i];
            byte[] data = DataOf(i);
            if (streamed) writer.AddTensor(name, type, dims, output => { foreach (byte[] piece in data.Chunk(5)) output.Write(piece); });
            else writer.AddTensor(name, type, dims, data);
        }
        return writer;
    }

    public static byte[] Bytes()
    {
        using var buffer = new MemoryStream();
        CreateWriter().WriteTo(buffer);
        return buffer.ToArray();
    }
}
