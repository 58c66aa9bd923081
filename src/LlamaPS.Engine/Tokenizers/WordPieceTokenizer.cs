namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// llama.cpp's WordPiece tokenizer (<c>tokenizer.ggml.model</c> = <c>bert</c>): special tokens are split off first;
/// the text between them is normalized and split into words (<see cref="BertWordSplitter"/>), and each word is cut
/// greedily into the longest tokens from its start. GGUF spells BERT's vocabulary as llama.cpp's converter writes
/// it: a word's first piece starts with U+2581 and a continuation has no "##". A word with a part no token covers
/// becomes the unknown token. With special tokens a sequence is [CLS] ... [SEP], as the metadata asks.
/// </summary>
public sealed class WordPieceTokenizer : ITokenizer
{
    public const string LowercaseKey = "tokenizer.ggml.normalizer.lowercase";
    public const string StripAccentsKey = "tokenizer.ggml.normalizer.strip_accents";

    private readonly bool _lowercase;
    private readonly bool _stripAccents;
    private readonly TokenPieces _pieces;

    /// <param name="lowercase">Lowercase the text (BERT's uncased models; llama.cpp's default).</param>
    /// <param name="stripAccents">Drop accents; by default as <paramref name="lowercase"/>, as BERT's normalizer does.</param>
    public WordPieceTokenizer(Vocabulary vocabulary, bool lowercase = true, bool? stripAccents = null)
    {
        if (vocabulary.Model != "bert")
        {
            throw new ArgumentException($"A WordPiece tokenizer needs a 'bert' vocabulary, not '{vocabulary.Model}'.", nameof(vocabulary));
        }
        Vocabulary = vocabulary;
        _lowercase = lowercase;
        _stripAccents = stripAccents ?? lowercase;
        _pieces = new TokenPieces(vocabulary, TokenPieces.UnescapeSpaces);
    }

    public Vocabulary Vocabulary { get; }

    /// <summary>
    /// As llama.cpp's llama_tokenize for WPM. With <paramref name="addSpecial"/> the sequence starts with BOS ([CLS])
    /// when <see cref="Vocabulary.AddBos"/> and ends with the separator ([SEP]) when <see cref="Vocabulary.AddSep"/>;
    /// llama.cpp adds no EOS to WordPiece sequences, and neither does this.
    /// </summary>
    public int[] Encode(string text, bool addSpecial, bool parseSpecial)
    {
        var output = new List<int>(text.Length / 4 + 2);
        if (addSpecial && Vocabulary.AddBos) output.Add(Vocabulary.Require(SpecialToken.Bos));

        var words = new List<string>();
        char[] buffer = new char[64];
        foreach (var fragment in SpecialTokenPartitioner.Partition(text, Vocabulary, parseSpecial))
        {
            if (fragment.IsToken)
            {
                output.Add(fragment.TokenId);
                continue;
            }
            words.Clear();
            BertWordSplitter.Split(text.AsSpan(fragment.Start, fragment.Length), _lowercase, _stripAccents, words);
            foreach (string word in words)
            {
                if (buffer.Length < word.Length + 1) buffer = new char[word.Length * 2 + 1];
                buffer[0] = SentencePieceTokenizer.EscapedSpace;
                word.CopyTo(buffer.AsSpan(1));
                EncodeWord(buffer.AsSpan(0, word.Length + 1), output);
            }
        }

        if (addSpecial && Vocabulary.AddSep) output.Add(Vocabulary.Require(SpecialToken.Separator));
        return output.ToArray();
    }

    public ReadOnlySpan<byte> GetPiece(int tokenId, bool renderSpecial) => _pieces.Get(tokenId, renderSpecial);

    /// <summary>Longest token from each position on; if some position starts no token, the whole word is unknown.</summary>
    private void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        int first = output.Count;
        for (int start = 0; start < word.Length;)
        {
            int end = Math.Min(word.Length, start + Vocabulary.MaxTokenLength);
            int id = -1;
            for (; end > start; end--)
            {
                id = Vocabulary.Find(word[start..end]);
                if (id >= 0) break;
            }
            if (id < 0)
            {
                output.RemoveRange(first, output.Count - first);
                output.Add(Vocabulary.Require(SpecialToken.Unknown));
                return;
            }
            output.Add(id);
            start = end;
        }
    }
}
