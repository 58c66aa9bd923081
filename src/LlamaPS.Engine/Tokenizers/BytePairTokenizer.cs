using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// llama.cpp's byte-level BPE tokenizer (<c>tokenizer.ggml.model</c> = <c>gpt2</c>): special tokens are split off
/// first; the pre-tokenizer that <c>tokenizer.ggml.pre</c> names splits each run of text between them into words;
/// each word's UTF-8 bytes are merged by rank (<see cref="BytePairSegmenter"/>), tokens being written in GPT-2's
/// byte alphabet (<see cref="ByteLevelAlphabet"/>). A word that occurred before in the same text copies the ids it
/// got then (<see cref="RepeatedWordTable"/>), which in running text spares most of the merging.
/// </summary>
public sealed class BytePairTokenizer : ITokenizer
{
    public const string MergesKey = "tokenizer.ggml.merges";

    private readonly PreTokenizer _preTokenizer;
    private readonly BytePairSegmenter _segmenter;
    private readonly TokenPieces _pieces;

    /// <param name="merges">The rules of <c>tokenizer.ggml.merges</c>, "left right", highest priority first.</param>
    /// <exception cref="TokenizerException">The vocabulary names a pre-tokenizer this tokenizer does not know, or a rule is malformed.</exception>
    public BytePairTokenizer(Vocabulary vocabulary, IReadOnlyList<string> merges)
    {
        if (vocabulary.Model != "gpt2")
        {
            throw new ArgumentException($"A byte-level BPE tokenizer needs a 'gpt2' vocabulary, not '{vocabulary.Model}'.", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        _preTokenizer = PreTokenizerCatalog.Find(vocabulary.PreTokenizer) ?? throw new TokenizerException(
            $"'{vocabulary.PreTokenizer}' is not a known pre-tokenizer (known: {string.Join(", ", PreTokenizerCatalog.Names)}).",
            Vocabulary.PreTokenizerKey);
        _segmenter = new BytePairSegmenter(vocabulary, merges);
        _pieces = new TokenPieces(vocabulary, DecodeAlphabet);
    }

    public Vocabulary Vocabulary { get; }

    /// <summary>The pre-tokenizer in use: the vocabulary's <c>tokenizer.ggml.pre</c>, or <c>default</c> when it names none.</summary>
    public string PreTokenizer => _preTokenizer.Name;

    public int[] Encode(string text, bool addSpecial, bool parseSpecial)
    {
        var output = new List<int>(text.Length / 4 + 2);
        if (addSpecial && Vocabulary.AddBos) output.Add(Vocabulary.Require(SpecialToken.Bos));

        var words = new List<(int Start, int Length)>();
        var repeats = new RepeatedWordTable(text);
        var workspace = new BytePairSegmenter.Workspace();
        foreach (var fragment in SpecialTokenPartitioner.Partition(text, Vocabulary, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                continue;
            }
            words.Clear();
            _preTokenizer.Split(text, fragment.Start, fragment.Length, words);
            foreach (var (start, length) in words) EncodeWord(text, start, length, output, repeats, workspace);
        }

        if (addSpecial && Vocabulary.AddEos) output.Add(Vocabulary.Require(SpecialToken.Eos));
        return output.ToArray();
    }

    public ReadOnlySpan<byte> GetPiece(int tokenId, bool renderSpecial) => _pieces.Get(tokenId, renderSpecial);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per word; tiering up mid-text would come too late
    private void EncodeWord(string text, int start, int length, List<int> output, RepeatedWordTable repeats,
        BytePairSegmenter.Workspace workspace)
    {
        if (repeats.TryGet(start, length, out int firstId, out int idCount))
        {
            for (int i = 0; i < idCount; i++) output.Add(output[firstId + i]);
            return;
        }

        int first = output.Count;
        ReadOnlySpan<char> word = text.AsSpan(start, length);
        int byteCount = Encoding.UTF8.GetByteCount(word);
        byte[]? rented = null;
        Span<byte> utf8 = byteCount <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        // A lone surrogate becomes U+FFFD's bytes, the replacement UTF-8 text would have had.
        utf8 = utf8[..Encoding.UTF8.GetBytes(word, utf8)];
        if (!_preTokenizer.IgnoreMerges || !TryWholeWord(utf8, output)) _segmenter.Segment(utf8, output, workspace);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        repeats.Add(start, length, first, output.Count - first);
    }

    /// <summary>LLaMA 3's rule: a word that is a token in the byte alphabet is that token, whatever the merges would make.</summary>
    private bool TryWholeWord(ReadOnlySpan<byte> utf8, List<int> output)
    {
        if (utf8.Length > Vocabulary.MaxTokenLength) return false;
        Span<char> spelled = stackalloc char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++) spelled[i] = ByteLevelAlphabet.ToChar(utf8[i]);
        int id = Vocabulary.Find(spelled);
        if (id < 0) return false;
        output.Add(id);
        return true;
    }

    /// <summary>
    /// The bytes a normal token spells in the byte alphabet. A character outside the alphabet stands for its own
    /// UTF-8 bytes (llama.cpp writes an [UNK_BYTE_...] marker there instead; no real vocabulary has such a token).
    /// </summary>
    private static byte[] DecodeAlphabet(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            int b = ByteLevelAlphabet.ToByte(text[i]);
            if (b >= 0)
            {
                bytes.Add((byte)b);
                continue;
            }
            int run = i + 1;
            while (run < text.Length && ByteLevelAlphabet.ToByte(text[run]) < 0) run++;
            bytes.AddRange(Encoding.UTF8.GetBytes(text, i, run - i));
            i = run - 1;
        }
        return bytes.ToArray();
    }
}
