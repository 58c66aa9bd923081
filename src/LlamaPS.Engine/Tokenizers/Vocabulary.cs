using System.Collections.Frozen;
using LlamaPS.Engine.Gguf;

namespace LlamaPS.Engine.Tokenizers;

/// <summary>
/// A model's token table as llama.cpp loads it from GGUF: texts, scores, types, special ids, the add-BOS/EOS and
/// space-prefix flags, and the set of tokens that end generation. Independent of the tokenizer algorithm.
/// </summary>
public sealed class Vocabulary
{
    public const string ModelKey = "tokenizer.ggml.model";
    public const string TokensKey = "tokenizer.ggml.tokens";
    public const string ScoresKey = "tokenizer.ggml.scores";
    public const string TokenTypesKey = "tokenizer.ggml.token_type";
    public const string AddBosKey = "tokenizer.ggml.add_bos_token";
    public const string AddEosKey = "tokenizer.ggml.add_eos_token";
    public const string AddSpacePrefixKey = "tokenizer.ggml.add_space_prefix";
    public const string AddSepKey = "tokenizer.ggml.add_sep_token";
    public const string PreTokenizerKey = "tokenizer.ggml.pre";

    /// <summary>
    /// Special-id keys in llama.cpp's order; the deprecated FIM keys come last and win. BERT converters write the
    /// classifier token, which WordPiece puts first as llama.cpp puts its BOS, as cls_token_id: a BOS key wins over it.
    /// </summary>
    private static readonly (string Key, SpecialToken Kind)[] SpecialIdKeys =
    [
        ("tokenizer.ggml.cls_token_id", SpecialToken.Bos),
        ("tokenizer.ggml.bos_token_id", SpecialToken.Bos),
        ("tokenizer.ggml.eos_token_id", SpecialToken.Eos),
        ("tokenizer.ggml.eot_token_id", SpecialToken.Eot),
        ("tokenizer.ggml.eom_token_id", SpecialToken.Eom),
        ("tokenizer.ggml.unknown_token_id", SpecialToken.Unknown),
        ("tokenizer.ggml.seperator_token_id", SpecialToken.Separator), // sic: the GGUF key is misspelled
        ("tokenizer.ggml.padding_token_id", SpecialToken.Padding),
        ("tokenizer.ggml.mask_token_id", SpecialToken.Mask),
        ("tokenizer.ggml.fim_pre_token_id", SpecialToken.FimPrefix),
        ("tokenizer.ggml.fim_suf_token_id", SpecialToken.FimSuffix),
        ("tokenizer.ggml.fim_mid_token_id", SpecialToken.FimMiddle),
        ("tokenizer.ggml.fim_pad_token_id", SpecialToken.FimPad),
        ("tokenizer.ggml.fim_rep_token_id", SpecialToken.FimRepo),
        ("tokenizer.ggml.fim_sep_token_id", SpecialToken.FimSeparator),
        ("tokenizer.ggml.prefix_token_id", SpecialToken.FimPrefix),
        ("tokenizer.ggml.suffix_token_id", SpecialToken.FimSuffix),
        ("tokenizer.ggml.middle_token_id", SpecialToken.FimMiddle),
    ];

    /// <summary>
    /// Texts by which llama.cpp finds special tokens that the metadata leaves unset, because converters often omit
    /// them. llama.cpp takes whichever candidate its hash map yields first; this takes the first in list order.
    /// </summary>
    private static readonly (SpecialToken Kind, string[] Texts)[] SpecialIdsByText =
    [
        (SpecialToken.Eot, ["<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"]),
        (SpecialToken.Eom, ["<|eom_id|>"]),
        (SpecialToken.FimPrefix, ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        (SpecialToken.FimSuffix, ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        (SpecialToken.FimMiddle, ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]),
        (SpecialToken.FimPad, ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        (SpecialToken.FimRepo, ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        (SpecialToken.FimSeparator, ["<|file_sep|>"]),
    ];

    /// <summary>Texts that llama.cpp treats as end-of-generation in any vocabulary that has them.</summary>
    private static readonly string[] EndOfGenerationTexts =
    [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>",
    ];

    private readonly string[] _texts;
    private readonly float[] _scores;
    private readonly TokenType[] _types;
    private readonly TokenStrip[] _strips;
    private readonly int?[] _specialIds;
    private readonly TokenTextIndex _index;
    private readonly FrozenSet<int> _endOfGeneration;
    private readonly int[] _specialTokensLongestFirst;

    private Vocabulary(string model, string preTokenizer, string[] texts, float[] scores, TokenType[] types, TokenStrip[] strips,
        int?[] specialIds, TokenTextIndex index, FrozenSet<int> endOfGeneration, bool addBos, bool addEos, bool addSep, bool addSpacePrefix)
    {
        Model = model;
        PreTokenizer = preTokenizer;
        _texts = texts;
        _scores = scores;
        _types = types;
        _strips = strips;
        _specialIds = specialIds;
        _index = index;
        _endOfGeneration = endOfGeneration;
        AddBos = addBos;
        AddEos = addEos;
        AddSep = addSep;
        AddSpacePrefix = addSpacePrefix;
        MaxTokenLength = texts.Max(t => t.Length);
        // llama.cpp's order: control, user-defined and unknown tokens, longest text first (ties here by id; its
        // std::sort leaves ties unspecified, which only matters for equally long tokens that overlap in the text).
        _specialTokensLongestFirst = Enumerable.Range(0, texts.Length)
            .Where(id => types[id] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown)
            .OrderByDescending(id => texts[id].Length)
            .ToArray();
    }

    /// <summary>The tokenizer model name, <c>tokenizer.ggml.model</c> (e.g. <c>llama</c> for SentencePiece).</summary>
    public string Model { get; }

    /// <summary>The pre-tokenizer name of a byte-level BPE vocabulary, <c>tokenizer.ggml.pre</c> (e.g. <c>llama-bpe</c>); "" when absent.</summary>
    public string PreTokenizer { get; }

    public int Count => _texts.Length;

    /// <summary>Whether encoding with special tokens prepends BOS (<c>tokenizer.ggml.add_bos_token</c>).</summary>
    public bool AddBos { get; }

    /// <summary>Whether encoding with special tokens appends EOS (<c>tokenizer.ggml.add_eos_token</c>).</summary>
    public bool AddEos { get; }

    /// <summary>Whether WordPiece encoding with special tokens appends the separator (<c>tokenizer.ggml.add_sep_token</c>).</summary>
    public bool AddSep { get; }

    /// <summary>Whether a space is put before text that starts the input or follows a special token (<c>tokenizer.ggml.add_space_prefix</c>).</summary>
    public bool AddSpacePrefix { get; }

    /// <summary>The longest token text, in UTF-16 code units.</summary>
    public int MaxTokenLength { get; }

    public int? BosId => _specialIds[(int)SpecialToken.Bos];
    public int? EosId => _specialIds[(int)SpecialToken.Eos];
    public int? UnknownId => _specialIds[(int)SpecialToken.Unknown];

    /// <summary>Tokens that end generation: EOS, EOT, EOM, the FIM pad/repo/separator tokens, and tokens recognised by text.</summary>
    public IReadOnlySet<int> EndOfGenerationIds => _endOfGeneration;

    /// <summary>Control, user-defined and unknown tokens, longest text first: the order in which raw text is searched for them.</summary>
    internal ReadOnlySpan<int> SpecialTokensLongestFirst => _specialTokensLongestFirst;

    public string GetText(int id) => _texts[CheckId(id)];
    public float GetScore(int id) => _scores[CheckId(id)];
    public TokenType GetTokenType(int id) => _types[CheckId(id)];
    public TokenStrip GetStrip(int id) => _strips[CheckId(id)];
    public int? GetSpecialId(SpecialToken kind) => _specialIds[(int)kind];
    public bool IsEndOfGeneration(int id) => _endOfGeneration.Contains(id);

    /// <summary>The id of a special token that encoding must add; throws when the vocabulary has none.</summary>
    internal int Require(SpecialToken kind) =>
        GetSpecialId(kind) ?? throw new TokenizerException($"The vocabulary asks for a {kind.ToString().ToUpperInvariant()} token but has none.");

    /// <summary>The id of the token whose text is exactly <paramref name="text"/>, or null.</summary>
    public int? FindId(string text) => Find(text) is var id and >= 0 ? id : null;

    /// <summary>The id of the token whose text is exactly <paramref name="text"/>, or -1.</summary>
    internal int Find(ReadOnlySpan<char> text) => _index.Find(text);

    private int CheckId(int id) =>
        (uint)id < (uint)_texts.Length ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id is outside the vocabulary of {_texts.Length} tokens.");

    /// <summary>Builds the vocabulary from GGUF metadata, applying llama.cpp's defaults and fix-ups.</summary>
    public static Vocabulary FromGguf(GgufMetadata metadata)
    {
        string model = Read(ModelKey, () => metadata.GetString(ModelKey)) ?? throw new TokenizerException("is missing.", ModelKey);
        string preTokenizer = Read(PreTokenizerKey, () => metadata.GetString(PreTokenizerKey)) ?? "";
        string[] texts = Read(TokensKey, () => metadata.GetArray<string>(TokensKey)) ?? throw new TokenizerException("is missing.", TokensKey);
        if (texts.Length == 0) throw new TokenizerException("is empty.", TokensKey);
        texts = (string[])texts.Clone();
        for (int i = 0; i < texts.Length; i++)
        {
            // llama.cpp renames empty tokens so that every token has a distinct, non-empty text.
            if (texts[i].Length == 0) texts[i] = $"[EMPTY_{i}]";
        }

        float[] scores = Read(ScoresKey, () => metadata.GetArray<float>(ScoresKey)) ?? new float[texts.Length];
        CheckLength(ScoresKey, scores.Length, texts.Length);
        int[]? rawTypes = Read(TokenTypesKey, () => metadata.GetInt32Array(TokenTypesKey));
        if (rawTypes is not null) CheckLength(TokenTypesKey, rawTypes.Length, texts.Length);
        var types = new TokenType[texts.Length];
        for (int i = 0; i < types.Length; i++)
        {
            int t = rawTypes?[i] ?? (int)TokenType.Normal;
            types[i] = t is >= (int)TokenType.Normal and <= (int)TokenType.Byte ? (TokenType)t : TokenType.Undefined;
        }

        var index = new TokenTextIndex(texts, out int duplicate);
        if (duplicate >= 0) throw new TokenizerException($"token {duplicate} repeats the text '{texts[duplicate]}' of an earlier token.", TokensKey);

        var defaults = ModelDefaults.For(model, preTokenizer);
        int?[] specialIds = ReadSpecialIds(metadata, texts.Length, defaults);
        bool addBos = Read(AddBosKey, () => metadata.GetBool(AddBosKey)) ?? defaults.AddBos;
        bool addEos = Read(AddEosKey, () => metadata.GetBool(AddEosKey)) ?? defaults.AddEos;
        bool addSep = Read(AddSepKey, () => metadata.GetBool(AddSepKey)) ?? defaults.AddSep;
        bool addSpacePrefix = Read(AddSpacePrefixKey, () => metadata.GetBool(AddSpacePrefixKey)) ?? defaults.AddSpacePrefix;

        foreach (var (kind, candidates) in SpecialIdsByText)
        {
            if (specialIds[(int)kind] is not null) continue;
            foreach (string text in candidates)
            {
                int id = index.Find(text);
                if (id < 0) continue;
                specialIds[(int)kind] = id;
                MakeControl(types, id);
                break;
            }
        }

        var endOfGeneration = new HashSet<int>();
        foreach (var kind in (SpecialToken[])[SpecialToken.FimPad, SpecialToken.FimRepo, SpecialToken.FimSeparator])
        {
            if (specialIds[(int)kind] is int id) endOfGeneration.Add(id);
        }
        foreach (string text in EndOfGenerationTexts)
        {
            int id = index.Find(text);
            if (id < 0) continue;
            endOfGeneration.Add(id);
            MakeControl(types, id);
        }
        foreach (var kind in (SpecialToken[])[SpecialToken.Eos, SpecialToken.Eot, SpecialToken.Eom])
        {
            if (specialIds[(int)kind] is int id) endOfGeneration.Add(id);
        }

        var vocabulary = new Vocabulary(model, preTokenizer, texts, scores, types, new TokenStrip[texts.Length], specialIds, index,
            endOfGeneration.ToFrozenSet(), addBos, addEos, addSep, addSpacePrefix);
        vocabulary.ApplyStripRules(Read("general.name", () => metadata.GetString("general.name")) ?? "", preTokenizer);
        return vocabulary;
    }

    /// <summary>llama.cpp marks control-looking tokens that a converter typed otherwise as control tokens.</summary>
    private static void MakeControl(TokenType[] types, int id) => types[id] = TokenType.Control;

    /// <summary>GGUF stores no strip attributes; llama.cpp sets them by model and pre-tokenizer name.</summary>
    private void ApplyStripRules(string modelName, string preTokenizer)
    {
        string name = modelName.ToLowerInvariant();
        if (preTokenizer.Contains("jina-v2-de") || preTokenizer.Contains("jina-v2-es") || preTokenizer.Contains("jina-v2-code"))
        {
            SetStrip("<mask>", TokenStrip.Left, true);
        }
        else if (name.Contains("phi-3") || name.Contains("phi3"))
        {
            foreach (int id in _specialTokensLongestFirst) _strips[id] |= TokenStrip.Right;
            SetStrip("</s>", TokenStrip.Right, true);
            foreach (string text in (string[])["<unk>", "<s>", "<|endoftext|>"]) SetStrip(text, TokenStrip.Right, false);
        }
    }

    private void SetStrip(string text, TokenStrip strip, bool on)
    {
        int id = _index.Find(text);
        if (id < 0) return;
        _strips[id] = on ? _strips[id] | strip : _strips[id] & ~strip;
    }

    private static int?[] ReadSpecialIds(GgufMetadata metadata, int count, ModelDefaults defaults)
    {
        var ids = new int?[Enum.GetValues<SpecialToken>().Length];
        // A default that this vocabulary is too small to hold means no such token.
        ids[(int)SpecialToken.Bos] = defaults.Bos < count ? defaults.Bos : null;
        ids[(int)SpecialToken.Eos] = defaults.Eos < count ? defaults.Eos : null;
        ids[(int)SpecialToken.Unknown] = defaults.Unknown < count ? defaults.Unknown : null;
        ids[(int)SpecialToken.Separator] = defaults.Separator < count ? defaults.Separator : null;
        ids[(int)SpecialToken.Padding] = defaults.Padding < count ? defaults.Padding : null;
        ids[(int)SpecialToken.Mask] = defaults.Mask < count ? defaults.Mask : null;
        foreach (var (key, kind) in SpecialIdKeys)
        {
            long? raw = Read(key, () => metadata.GetInteger(key));
            if (raw is null) continue;
            // Converters write uint32 0xFFFFFFFF (or int32 -1) for "no such token".
            if (raw is uint.MaxValue or -1)
            {
                ids[(int)kind] = null;
                continue;
            }
            if (raw < 0 || raw >= count) throw new TokenizerException($"{raw} is not a token id of this {count}-token vocabulary.", key);
            ids[(int)kind] = (int)raw;
        }
        return ids;
    }

    private static void CheckLength(string key, int length, int tokenCount)
    {
        if (length != tokenCount) throw new TokenizerException($"has {length} entries but '{TokensKey}' has {tokenCount}.", key);
    }

    /// <summary>Runs a metadata read, turning a wrongly typed value into a <see cref="TokenizerException"/> naming the key.</summary>
    internal static T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new TokenizerException(e.Message, key, e);
        }
    }

    /// <summary>What llama.cpp assumes for a tokenizer model (and a BPE pre-tokenizer) when the metadata is silent.</summary>
    private sealed record ModelDefaults(int? Bos, int? Eos, int? Unknown, bool AddBos, bool AddEos, bool AddSpacePrefix,
        int? Separator = null, int? Padding = null, int? Mask = null, bool AddSep = false)
    {
        public static ModelDefaults For(string model, string preTokenizer) => model switch
        {
            "llama" => new(Bos: 1, Eos: 2, Unknown: 0, AddBos: true, AddEos: false, AddSpacePrefix: true),
            // 11 is Falcon's <|endoftext|>, the first BPE model llama.cpp ran; LLaMA 3's pre-tokenizers start with BOS.
            "gpt2" => new(Bos: 11, Eos: 11, Unknown: null, AddBos: PreTokenizerCatalog.Find(preTokenizer)?.AddsBos ?? false,
                AddEos: false, AddSpacePrefix: false),
            // BERT's [CLS] 101, [UNK] 100, [SEP] 102, [PAD] 0, [MASK] 103: a sequence is [CLS] ... [SEP].
            "bert" => new(Bos: 101, Eos: null, Unknown: 100, AddBos: true, AddEos: false, AddSpacePrefix: false,
                Separator: 102, Padding: 0, Mask: 103, AddSep: true),
            _ => new(null, null, null, false, false, false),
        };
    }
}
