namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// Token text to id, looked up by <see cref="ReadOnlySpan{Char}"/> so that the tokenizers' inner loops can probe
/// substrings of their working buffer without allocating a string per probe (net8.0 has no span lookup on
/// Dictionary). Open addressing with linear probing over a power-of-two table at most half full.
/// </summary>
internal sealed class TokenTextIndex
{
    private readonly string[] _texts;
    private readonly int[] _slots; // token id + 1; 0 marks an empty slot
    private readonly int _mask;

    /// <summary>Indexes <paramref name="texts"/>; <paramref name="duplicateId"/> is the first id whose text repeats an earlier one, or -1.</summary>
    public TokenTextIndex(string[] texts, out int duplicateId)
    {
        _texts = texts;
        int size = 16;
        while (size < texts.Length * 2) size <<= 1;
        _slots = new int[size];
        _mask = size - 1;
        duplicateId = -1;
        for (int id = 0; id < texts.Length; id++)
        {
            int slot = FindSlot(texts[id]);
            if (_slots[slot] != 0)
            {
                if (duplicateId < 0) duplicateId = id;
                continue;
            }
            _slots[slot] = id + 1;
        }
    }

    /// <summary>The id of the token whose text is exactly <paramref name="text"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> text) => _slots[FindSlot(text)] - 1;

    /// <summary>The slot holding <paramref name="text"/>, or the empty slot where it would go.</summary>
    private int FindSlot(ReadOnlySpan<char> text)
    {
        int slot = string.GetHashCode(text) & _mask;
        while (true)
        {
            int entry = _slots[slot];
            if (entry == 0 || text.SequenceEqual(_texts[entry - 1])) return slot;
            slot = (slot + 1) & _mask;
        }
    }
}
