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
    private readonly Dictionary<long, Merge> _merges;
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

        _merges = new Dictionary<long, Merge>(merges.Count);
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
            _merges.TryAdd(PairKey(leftId, rightId), new Merge(rank, SymbolOf(joined.AsSpan(0, length))));
        }

        _byteSymbols = new int[256];
        for (int b = 0; b < _byteSymbols.Length; b++)
        {
            ReadOnlySpan<char> text = [ByteLevelAlphabet.ToChar((byte)b)];
            _byteSymbols[b] = vocabulary.Find(text) is var id and >= 0 ? id : extraIds.GetValueOrDefault(text.ToString(), -1);
        }
    }

    /// <summary>Appends the tokens of one word, given as its UTF-8 bytes, to <paramref name="output"/>.</summary>
    public void Segment(ReadOnlySpan<byte> utf8, List<int> output)
    {
        if (utf8.IsEmpty) return;
        var symbols = new Symbol[utf8.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            symbols[i] = new Symbol(_byteSymbols[utf8[i]], i, 1, i - 1, i + 1 == symbols.Length ? -1 : i + 1);
        }

        var queue = new PriorityQueue<Candidate, long>(symbols.Length);
        for (int i = 1; i < symbols.Length; i++) TryQueue(symbols, i - 1, i, queue);

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
        if (leftId < 0 || rightId < 0 || !_merges.TryGetValue(PairKey(leftId, rightId), out Merge merge)) return;
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

    private readonly record struct Merge(int Rank, int Merged);

    private readonly record struct Candidate(int Left, int Right, int LeftId, int RightId, int Merged);

    private struct Symbol(int id, int start, int length, int previous, int next)
    {
        public int Id = id;
        public readonly int Start = start;
        public int Length = length;
        public int Previous = previous;
        public int Next = next;
    }
}
