using System.Runtime.CompilerServices;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// The merge step of llama.cpp's byte-level BPE tokenizer for one word: start from one symbol per UTF-8 byte, then
/// repeatedly merge the adjacent pair with the lowest merge rank (on equal ranks the leftmost pair) until no adjacent
/// pair has one. Symbols are ids, not strings, so a merge is a lookup of (left id, right id) that builds no text; a
/// text that a merge rule names but the vocabulary lacks gets an id past the vocabulary and merges on like any other,
/// as llama.cpp's string symbols would. A priority queue holds the candidate pairs; a pair whose symbols changed since
/// it was queued is recognised by their ids and skipped, so the work is O(n log n).
/// </summary>
internal sealed class BytePairSegmenter
{
    private readonly int _tokenCount;
    /// <summary>
    /// (left id, right id) to the rule's rank and result: open addressing with linear probing over a power-of-two table
    /// at most half full, each entry 16 bytes, so that a lookup mostly touches one cache line. An empty entry has rank -1.
    /// </summary>
    private readonly MergeEntry[] _merges;
    private readonly int _mergeMask;
    /// <summary>The symbol of each byte: the id of its alphabet character, or -1 when no token or rule names it.</summary>
    private readonly int[] _byteSymbols;

    /// <param name="merges">The rules of <c>tokenizer.ggml.merges</c>, "left right", highest priority first.</param>
    public BytePairSegmenter(Vocabulary vocabulary, IReadOnlyList<string> merges)
    {
        _tokenCount = vocabulary.Count;
        var extraIds = new Dictionary<string, int>(StringComparer.Ordinal);
        int SymbolOf(ReadOnlySpan<char> text)
        {
            int id = vocabulary.Find(text);
            if (id >= 0) return id;
            string key = text.ToString();
            if (!extraIds.TryGetValue(key, out id)) extraIds.Add(key, id = _tokenCount + extraIds.Count);
            return id;
        }

        int size = 16;
        while (size < merges.Count * 2) size <<= 1;
        _merges = new MergeEntry[size];
        _mergeMask = size - 1;
        Array.Fill(_merges, new MergeEntry(0, -1, 0));
        char[] joined = new char[64];
        for (int rank = 0; rank < merges.Count; rank++)
        {
            string rule = merges[rank];
            // The separator is the first space after the first character, as llama.cpp reads rules.
            int space = rule.Length > 1 ? rule.IndexOf(' ', 1) : -1;
            if (space < 0)
            {
                throw new TokenizerException($"entry {rank} '{rule}' is not two token texts separated by a space.", BytePairTokenizer.MergesKey);
            }
            int leftId = SymbolOf(rule.AsSpan(0, space));
            int rightId = SymbolOf(rule.AsSpan(space + 1));
            int length = rule.Length - 1;
            if (joined.Length < length) joined = new char[length * 2];
            rule.AsSpan(0, space).CopyTo(joined);
            rule.AsSpan(space + 1).CopyTo(joined.AsSpan(space));
            // The first rule for a pair wins, as in llama.cpp's map.
            long key = PairKey(leftId, rightId);
            ref MergeEntry entry = ref _merges[FindSlot(key)];
            if (entry.Rank < 0) entry = new MergeEntry(key, rank, SymbolOf(joined.AsSpan(0, length)));
        }

        _byteSymbols = new int[256];
        for (int b = 0; b < _byteSymbols.Length; b++)
        {
            ReadOnlySpan<char> text = [ByteLevelAlphabet.ToChar((byte)b)];
            _byteSymbols[b] = vocabulary.Find(text) is var id and >= 0 ? id : extraIds.GetValueOrDefault(text.ToString(), -1);
        }
    }

    /// <summary>Appends the tokens of one word, given as its UTF-8 bytes, to <paramref name="output"/>.</summary>
    /// <param name="workspace">Scratch memory, reused from word to word by one caller at a time.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per word; tiering up mid-text would come too late
    public void Segment(ReadOnlySpan<byte> utf8, List<int> output, Workspace workspace)
    {
        if (utf8.IsEmpty) return;
        if (workspace.Symbols.Length < utf8.Length) workspace.Symbols = new Symbol[Math.Max(utf8.Length, workspace.Symbols.Length * 2)];
        Symbol[] symbols = workspace.Symbols;
        for (int i = 0; i < utf8.Length; i++)
        {
            symbols[i] = new Symbol(_byteSymbols[utf8[i]], i, 1, i - 1, i + 1 == utf8.Length ? -1 : i + 1);
        }

        PriorityQueue<Candidate, long> queue = workspace.Queue;
        queue.Clear();
        for (int i = 1; i < utf8.Length; i++) TryQueue(symbols, i - 1, i, queue);

        while (queue.TryDequeue(out var candidate, out _))
        {
            ref Symbol left = ref symbols[candidate.Left];
            ref Symbol right = ref symbols[candidate.Right];
            if (left.Length == 0 || right.Length == 0 || left.Id != candidate.LeftId || right.Id != candidate.RightId) continue;

            left.Id = candidate.Merged;
            left.Length += right.Length;
            right.Length = 0;
            left.Next = right.Next;
            if (right.Next >= 0) symbols[right.Next].Previous = candidate.Left;

            TryQueue(symbols, left.Previous, candidate.Left, queue);
            TryQueue(symbols, candidate.Left, left.Next, queue);
        }

        for (int i = 0; i != -1; i = symbols[i].Next) Emit(symbols[i], utf8, output);
    }

    private void TryQueue(Symbol[] symbols, int left, int right, PriorityQueue<Candidate, long> queue)
    {
        if (left < 0 || right < 0) return;
        int leftId = symbols[left].Id;
        int rightId = symbols[right].Id;
        if (leftId < 0 || rightId < 0) return;
        MergeEntry merge = _merges[FindSlot(PairKey(leftId, rightId))];
        if (merge.Rank < 0) return;
        // Lowest rank first, then the leftmost pair (llama.cpp's order).
        queue.Enqueue(new Candidate(left, right, leftId, rightId, merge.Merged), ((long)merge.Rank << 32) | (uint)left);
    }

    /// <summary>
    /// A symbol that is not a token (a rule's result the vocabulary lacks, or a byte with no token) goes out byte by
    /// byte, each as its alphabet character's token where there is one. llama.cpp looks those characters up by their
    /// first UTF-8 byte, which finds only the ASCII ones; looking up the whole character keeps the other bytes too.
    /// </summary>
    private void Emit(in Symbol symbol, ReadOnlySpan<byte> utf8, List<int> output)
    {
        if (symbol.Id >= 0 && symbol.Id < _tokenCount)
        {
            output.Add(symbol.Id);
            return;
        }
        foreach (byte b in utf8.Slice(symbol.Start, symbol.Length))
        {
            int id = _byteSymbols[b];
            if (id >= 0 && id < _tokenCount) output.Add(id);
        }
    }

    private static long PairKey(int leftId, int rightId) => ((long)leftId << 32) | (uint)rightId;

    /// <summary>The entry of <paramref name="key"/>, or the empty one where it would go. A multiplicative hash spreads the pairs.</summary>
    private int FindSlot(long key)
    {
        int slot = (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32) & _mergeMask;
        while (_merges[slot].Rank >= 0 && _merges[slot].Key != key) slot = (slot + 1) & _mergeMask;
        return slot;
    }

    /// <summary>The symbols and candidate pairs of the word being merged, kept between words to spare allocations.</summary>
    internal sealed class Workspace
    {
        internal Symbol[] Symbols = new Symbol[64];
        internal readonly PriorityQueue<Candidate, long> Queue = new(64);
    }

    private readonly record struct MergeEntry(long Key, int Rank, int Merged);

    internal readonly record struct Candidate(int Left, int Right, int LeftId, int RightId, int Merged);

    internal struct Symbol(int id, int start, int length, int previous, int next)
    {
        public int Id = id;
        public readonly int Start = start;
        public int Length = length;
        public int Previous = previous;
        public int Next = next;
    }
}
