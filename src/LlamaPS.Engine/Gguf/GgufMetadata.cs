using System.Diagnostics.CodeAnalysis;

namespace LlamaPS.Engine.Gguf;

/// <summary>
/// The key-value section of a GGUF file, in file order, with typed accessors. Integer getters accept any integer
/// type the writer chose (converters disagree on uint32 vs int32 for the same key) and reject values out of range.
/// </summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, object> _values;
    private readonly List<string> _order;

    internal GgufMetadata(Dictionary<string, object> values, List<string> order)
    {
        _values = values;
        _order = order;
    }

    public IReadOnlyList<string> Keys => _order;
    public int Count => _order.Count;
    public object this[string key] => _values[key];

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [NotNullWhen(true)] out object? value) => _values.TryGetValue(key, out value);

    public string? GetString(string key) => _values.TryGetValue(key, out var v) ? v as string ?? throw TypeMismatch(key, "string", v) : null;

    public bool? GetBool(string key) => _values.TryGetValue(key, out var v) ? v as bool? ?? throw TypeMismatch(key, "bool", v) : null;

    public long? GetInteger(string key)
    {
        if (!_values.TryGetValue(key, out var v)) return null;
        return v switch
        {
            byte b => b, sbyte sb => sb, ushort us => us, short s => s, uint ui => ui, int i => i, long l => l,
            ulong ul when ul <= long.MaxValue => (long)ul,
            _ => throw TypeMismatch(key, "integer", v),
        };
    }

    public int? GetInt32(string key)
    {
        long? v = GetInteger(key);
        if (v is null) return null;
        if (v < int.MinValue || v > int.MaxValue) throw new InvalidDataException($"Metadata '{key}' = {v} is out of range.");
        return (int)v;
    }

    public double? GetFloat(string key)
    {
        if (!_values.TryGetValue(key, out var v)) return null;
        return v switch
        {
            float f => f, double d => d,
            byte or sbyte or ushort or short or uint or int or long or ulong => Convert.ToDouble(v),
            _ => throw TypeMismatch(key, "number", v),
        };
    }

    public GgufArray? GetArray(string key) => _values.TryGetValue(key, out var v) ? v as GgufArray ?? throw TypeMismatch(key, "array", v) : null;

    /// <summary>The array's items as <typeparamref name="T"/>[]; null when the key is absent.</summary>
    public T[]? GetArray<T>(string key)
    {
        GgufArray? a = GetArray(key);
        if (a is null) return null;
        return a.Items as T[] ?? throw TypeMismatch(key, typeof(T).Name + "[]", a);
    }

    /// <summary>An integer array of any element width widened to int[]; null when the key is absent.</summary>
    public int[]? GetInt32Array(string key)
    {
        GgufArray? a = GetArray(key);
        if (a is null) return null;
        return a.Items switch
        {
            int[] i => i,
            uint[] or short[] or ushort[] or sbyte[] or byte[] or long[] or ulong[] => ConvertAll(key, a.Items),
            _ => throw TypeMismatch(key, "integer array", a),
        };
    }

    private static int[] ConvertAll(string key, Array items)
    {
        var result = new int[items.Length];
        for (int i = 0; i < result.Length; i++)
        {
            decimal d = Convert.ToDecimal(items.GetValue(i));
            if (d < int.MinValue || d > int.MaxValue) throw new InvalidDataException($"Metadata '{key}'[{i}] = {d} is out of range.");
            result[i] = (int)d;
        }
        return result;
    }

    private static InvalidDataException TypeMismatch(string key, string expected, object actual) =>
        new($"Metadata '{key}' should be {expected} but is {Describe(actual)}.");

    private static string Describe(object v) => v is GgufArray a ? $"array of {a.ElementType}" : v.GetType().Name;
}
