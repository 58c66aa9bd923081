namespace LlamaPS.Engine.Tokenizers;

/// <summary>Text to token ids and token ids to bytes, for one vocabulary; implementations are thread-safe.</summary>
public interface ITokenizer
{
    Vocabulary Vocabulary { get; }

    /// <summary>
    /// Tokenizes <paramref name="text"/> as llama.cpp's llama_tokenize does.
    /// </summary>
    /// <param name="addSpecial">Add the tokens the vocabulary asks for around a sequence: BOS when
    /// <see cref="Vocabulary.AddBos"/>, EOS when <see cref="Vocabulary.AddEos"/> (WordPiece: the separator when
    /// <see cref="Vocabulary.AddSep"/>, and no EOS, as in llama.cpp).</param>
    /// <param name="parseSpecial">Turn control-token texts in <paramref name="text"/> (e.g. <c>&lt;s&gt;</c>) into those
    /// tokens; otherwise they are tokenized as plain text. User-defined tokens are matched either way.</param>
    int[] Encode(string text, bool addSpecial, bool parseSpecial);

    /// <summary>
    /// The UTF-8 bytes token <paramref name="tokenId"/> stands for, as llama.cpp's token_to_piece (no space
    /// stripping). A piece may be part of a character: byte tokens are single bytes.
    /// </summary>
    /// <param name="renderSpecial">Give control and unknown tokens their text; otherwise they render as nothing.</param>
    ReadOnlySpan<byte> GetPiece(int tokenId, bool renderSpecial);
}
