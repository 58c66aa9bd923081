namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// A piece of the input after special-token matching: either a special token (<see cref="TokenId"/> &gt;= 0) or a
/// run of raw text, <see cref="Length"/> chars from <see cref="Start"/>, still to be tokenized.
/// </summary>
internal readonly record struct TextFragment(int Start, int Length, int TokenId)
{
    public bool IsToken => TokenId >= 0;

    public static TextFragment Text(int start, int length) => new(start, length, -1);

    public static TextFragment Token(int id) => new(0, 0, id);
}
