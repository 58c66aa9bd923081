namespace LlamaPS.Engine.Gguf;

/// <summary>
/// A metadata array. <see cref="Items"/> is a typed CLR array: byte[], sbyte[], ushort[], short[], uint[], int[],
/// float[], bool[], string[], ulong[], long[], double[], or GgufArray[] for nested arrays.
/// </summary>
public sealed class GgufArray
{
    public GgufArray(GgufValueType elementType, Array items)
    {
        ElementType = elementType;
        Items = items;
    }

    public GgufValueType ElementType { get; }
    public Array Items { get; }
    public int Count => Items.Length;

    public override string ToString() => $"{ElementType}[{Count}]";
}
