namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// For one text being encoded: where the ids of each distinct word already went in the output, found by the word's
/// characters in place, so that a repeated word costs one hash and one comparison, and no string or array is built.
/// Open addressing with linear probing over a power-of-two table kept at most half full.
/// </summary>
internal sealed class RepeatedWordTable
{
    private readonly string _text;
    private Entry[] _entries = new Entry[1024];
    private int _count;

    /// <param name="text">The text whose words (start, length) the table is asked about.</param>
    public RepeatedWordTable(string text) => _text = text;

    /// <summary>Where the ids of an earlier occurrence of <c>text[start..start+length]</c> are in the output, if there was one.</summary>
    public bool TryGet(int start, int length, out int firstId, out int idCount)
    {
        ref Entry entry = ref _entries[FindSlot(_entries, start, length)];
        (firstId, idCount) = (entry.FirstId, entry.IdCount);
        return entry.Length != 0;
    }

    /// <summary>Records that the word at <paramref name="start"/> went out as output[firstId..firstId+idCount].</summary>
    public void Add(int start, int length, int firstId, int idCount)
    {
        if (2 * (_count + 1) > _entries.Length) Grow();
        _entries[FindSlot(_entries, start, length)] = new Entry(start, length, firstId, idCount);
        _count++;
    }

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        foreach (Entry entry in _entries)
        {
            if (entry.Length != 0) entries[FindSlot(entries, entry.Start, entry.Length)] = entry;
        }
        _entries = entries;
    }

    /// <summary>The slot holding the word, or the empty slot where it would go; an empty slot has length 0 (words never do).</summary>
    private int FindSlot(Entry[] entries, int start, int length)
    {
        ReadOnlySpan<char> word = _text.AsSpan(start, length);
        int mask = entries.Length - 1;
        int slot = string.GetHashCode(word) & mask;
        while (true)
        {
            Entry entry = entries[slot];
            if (entry.Length == 0 || (entry.Length == length && word.SequenceEqual(_text.AsSpan(entry.Start, length)))) return slot;
            slot = (slot + 1) & mask;
        }
    }

    private readonly record struct Entry(int Start, int Length, int FirstId, int IdCount);
}
