using System.Runtime.InteropServices;
using System.Text;

namespace LlamaPS.Engine.Gguf;

/// <summary>
/// How <see cref="GgufWriter"/> turns metadata values into GGUF bytes. Values use the CLR types the reader produces
/// (byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double, <see cref="GgufArray"/>), so a
/// value read from one file can be written to another unchanged.
/// </summary>
internal static class GgufValueEncoding
{
    public static GgufValueType? TypeOf(Type clrType) => clrType switch
    {
        _ when clrType == typeof(byte) => GgufValueType.UInt8,
        _ when clrType == typeof(sbyte) => GgufValueType.Int8,
        _ when clrType == typeof(ushort) => GgufValueType.UInt16,
        _ when clrType == typeof(short) => GgufValueType.Int16,
        _ when clrType == typeof(uint) => GgufValueType.UInt32,
        _ when clrType == typeof(int) => GgufValueType.Int32,
        _ when clrType == typeof(float) => GgufValueType.Float32,
        _ when clrType == typeof(bool) => GgufValueType.Bool,
        _ when clrType == typeof(string) => GgufValueType.String,
        _ when clrType == typeof(ulong) => GgufValueType.UInt64,
        _ when clrType == typeof(long) => GgufValueType.Int64,
        _ when clrType == typeof(double) => GgufValueType.Float64,
        _ when clrType == typeof(GgufArray) => GgufValueType.Array,
        _ => null,
    };

    /// <summary>
    /// Checks that <paramref name="value"/> can be written and returns it with a plain CLR array (string[], int[], ...)
    /// wrapped in a <see cref="GgufArray"/>; throws <see cref="ArgumentException"/> naming <paramref name="key"/> otherwise.
    /// </summary>
    public static object Normalize(string key, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value is Array plain && value is not GgufArray)
        {
            GgufValueType elementType = TypeOf(plain.GetType().GetElementType()!)
                ?? throw new ArgumentException($"Metadata '{key}': arrays of {plain.GetType().GetElementType()!.Name} cannot be stored in GGUF.", nameof(value));
            value = new GgufArray(elementType, plain);
        }
        if (value is GgufArray array) CheckArray(key, array, depth: 0);
        else if (TypeOf(value.GetType()) is null)
            throw new ArgumentException($"Metadata '{key}': values of type {value.GetType().Name} cannot be stored in GGUF.", nameof(value));
        return value;
    }

    private static void CheckArray(string key, GgufArray array, int depth)
    {
        if (depth >= GgufReader.MaxArrayDepth)
            throw new ArgumentException($"Metadata '{key}': arrays nested deeper than {GgufReader.MaxArrayDepth} cannot be read back.");
        Type? itemType = array.Items.GetType().GetElementType();
        if (array.Items.Rank != 1 || itemType is null || TypeOf(itemType) != array.ElementType)
            throw new ArgumentException($"Metadata '{key}': a {array.ElementType} array must hold a one-dimensional {array.ElementType} CLR array, not {array.Items.GetType().Name}.");
        foreach (object? item in array.Items)
        {
            if (item is null) throw new ArgumentException($"Metadata '{key}': arrays cannot contain null.");
            if (item is GgufArray inner) CheckArray(key, inner, depth + 1);
        }
    }

    /// <summary>Writes the value's type id and the value (a normalized one).</summary>
    public static void WriteTyped(BinaryWriter writer, object value)
    {
        writer.Write((uint)TypeOf(value.GetType())!.Value);
        WriteValue(writer, value);
    }

    public static void WriteString(BinaryWriter writer, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    // BinaryWriter is little-endian on every platform, as GGUF is.
    private static void WriteValue(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case byte v: writer.Write(v); break;
            case sbyte v: writer.Write(v); break;
            case ushort v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case uint v: writer.Write(v); break;
            case int v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case bool v: writer.Write((byte)(v ? 1 : 0)); break;
            case string v: WriteString(writer, v); break;
            case ulong v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            case GgufArray v: WriteArray(writer, v); break;
            default: throw new ArgumentException($"Values of type {value.GetType().Name} cannot be stored in GGUF.", nameof(value));
        }
    }

    private static void WriteArray(BinaryWriter writer, GgufArray array)
    {
        writer.Write((uint)array.ElementType);
        writer.Write((ulong)array.Count);
        switch (array.Items)
        {
            case byte[] v: writer.Write(v); break;
            case sbyte[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case ushort[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case short[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case uint[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case int[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case float[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case ulong[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case long[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            case double[] v: writer.Write(MemoryMarshal.AsBytes(v.AsSpan())); break;
            default:
                // bool, string and nested arrays are written item by item; the numeric copies above rely on a
                // little-endian machine, as the reader does.
                foreach (object item in array.Items) WriteValue(writer, item);
                break;
        }
    }
}
