namespace LlamaPS.Engine.Gguf;

/// <summary>
/// The rules for <c>general.alignment</c>, shared by reader and writer so that every file we write is one we accept.
/// </summary>
internal static class GgufAlignment
{
    public const string Key = "general.alignment";
    public const int Default = 32;
    // Real files use 32 or 64; anything above a megabyte would only waste space, and bounds the padding arithmetic.
    public const int Max = 1 << 20;

    public static bool IsValid(uint alignment) => alignment != 0 && (alignment & (alignment - 1)) == 0 && alignment <= Max;

    public static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
