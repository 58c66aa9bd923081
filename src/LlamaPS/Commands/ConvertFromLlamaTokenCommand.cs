using System.Management.Automation;
using System.Runtime.InteropServices;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Commands;

/// <summary>Turns token ids back into text: all ids given (by parameter or pipeline) become one string, the inverse of ConvertTo-LlamaToken.</summary>
[Cmdlet(VerbsData.ConvertFrom, "LlamaToken")]
[OutputType(typeof(string))]
public sealed class ConvertFromLlamaTokenCommand : PSCmdlet
{
    private ITokenizer? _tokenizer;
    private readonly List<int> _ids = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Token")]
    public int[] Id { get; set; } = [];

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file (a vocabulary-only one will do).</summary>
    [Parameter]
    public object? Model { get; set; }

    /// <summary>Writes control tokens such as BOS and EOS as their text instead of dropping them.</summary>
    [Parameter]
    public SwitchParameter RenderSpecial { get; set; }

    protected override void BeginProcessing() => _tokenizer = TokenizerArgument.Resolve(this, Model);

    protected override void ProcessRecord()
    {
        foreach (int id in Id)
        {
            if ((uint)id >= (uint)_tokenizer!.Vocabulary.Count)
            {
                WriteError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(Id), id, $"Token id {id} is outside the vocabulary of {_tokenizer.Vocabulary.Count} tokens."),
                    "TokenIdOutOfRange", ErrorCategory.InvalidArgument, id));
                continue;
            }
            _ids.Add(id);
        }
    }

    protected override void EndProcessing()
    {
        // Undo what ConvertTo-LlamaToken adds so that text round-trips: the BOS (unless it is to be rendered), then the
        // space a SentencePiece vocabulary puts before the text, stripped from the first piece as llama.cpp's
        // detokenize does.
        Vocabulary vocabulary = _tokenizer!.Vocabulary;
        ReadOnlySpan<int> ids = CollectionsMarshal.AsSpan(_ids);
        if (!RenderSpecial && ids.Length > 0 && ids[0] == vocabulary.BosId) ids = ids[1..];
        WriteObject(TokenTextDecoder.Decode(_tokenizer, ids, RenderSpecial, stripLeadingSpace: vocabulary.AddSpacePrefix));
    }
}
