using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// The merge step of llama.cpp's SPM tokenizer for one run of escaped text: start from single code points, then
/// repeatedly merge the adjacent pair whose concatenation is the highest-scoring token (on equal scores the leftmost
/// pair), until no adjacent pair forms a token. A priority queue holds the candidate pairs; pairs that went stale
/// because a neighbour merged first are recognised by their length and skipped, so the work is O(n log n).
/// </summary>
internal sealed class SentencePieceSegmenter
{
    private readonly Vocabulary _vocabulary;
    private readonly int[] _byteTokens;

    /// <param name="byteTokens">The token for each byte value, or -1 where the vocabulary has none.</param>
    public SentencePieceSegmenter(Vocabulary vocabulary, int[] byteTokens)
    {
        _vocabulary = vocabulary;
        _byteTokens = byteTokens;
    }

    /// <summary>Appends the tokens of <paramref name="text"/> (already space-escaped) to <paramref name="output"/>.</summary>
    public void Segment(ReadOnlySpan<char> text, List<int> output)
    {
        if (text.IsEmpty) return;
        // Symbols form a linked list over the text; a merged-away symbol keeps Length 0.
        var symbols = new Symbol[text.Length];
        int count = 0;
        for (int offset = 0; offset < text.Length;)
        {
            int length = char.IsHighSurrogate(text[offset]) && offset + 1 < text.Length && char.IsLowSurrogate(text[offset + 1]) ? 2 : 1;
            symbols[count] = new Symbol(offset, length, count - 1, offset + length == text.Length ? -1 : count + 1);
            count++;
            offset += length;
        }

        var queue = new PriorityQueue<Bigram, Bigram>(count, BigramOrder.Instance);
        for (int i = 1; i < count; i++) TryAddBigram(text, symbols, i - 1, i, queue);

        while (queue.TryDequeue(out var bigram, out _))
        {
            ref Symbol left = ref symbols[bigram.Left];
            ref Symbol right = ref symbols[bigram.Right];
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Length) continue;

            left.Length += right.Length;
            right.Length = 0;
            left.Next = right.Next;
            if (right.Next >= 0) symbols[right.Next].Previous = bigram.Left;

            TryAddBigram(text, symbols, left.Previous, bigram.Left, queue);
            TryAddBigram(text, symbols, bigram.Left, left.Next, queue);
        }

        for (int i = 0; i != -1; i = symbols[i].Next)
        {
            Emit(text.Slice(symbols[i].Start, symbols[i].Length), output);
        }
    }

    private void TryAddBigram(ReadOnlySpan<char> text, Symbol[] symbols, int left, int right, PriorityQueue<Bigram, Bigram> queue)
    {
        if (left < 0 || right < 0) return;
        int length = symbols[left].Length + symbols[right].Length;
        if (length > _vocabulary.MaxTokenLength) return;
        int id = _vocabulary.Find(text.Slice(symbols[left].Start, length));
        if (id < 0) return;
        var bigram = new Bigram(left, right, _vocabulary.GetScore(id), length);
        queue.Enqueue(bigram, bigram);
    }

    /// <summary>
    /// A final symbol is a token unless it is a single code point the vocabulary lacks (every merge forms a token),
    /// so llama.cpp's fallback through its reverse-merge map never applies: unknown code points go out as bytes.
    /// </summary>
    private void Emit(ReadOnlySpan<char> symbol, List<int> output)
    {
        int id = _vocabulary.Find(symbol);
        if (id >= 0)
        {
            output.Add(id);
            return;
        }
        Span<byte> utf8 = stackalloc byte[8];
        int n = Encoding.UTF8.GetBytes(symbol, utf8);
        foreach (byte b in utf8[..n])
        {
            int byteToken = _byteTokens[b] >= 0 ? _byteTokens[b] : _vocabulary.UnknownId
                ?? throw new TokenizerException($"Byte 0x{b:X2} has no token in this vocabulary and it has no unknown token.");
            output.Add(byteToken);
        }
    }

    private struct Symbol(int start, int length, int previous, int next)
    {
        public readonly int Start = start;
        public int Length = length;
        public int Previous = previous;
        public int Next = next;
    }

    private readonly record struct Bigram(int Left, int Right, float Score, int Length);

    /// <summary>Dequeue order: higher score first, then the leftmost pair (llama.cpp's tie-break).</summary>
    private sealed class BigramOrder : IComparer<Bigram>
    {
        public static readonly BigramOrder Instance = new();

        public int Compare(Bigram x, Bigram y)
        {
            int byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Left.CompareTo(y.Left);
        }
    }
}
