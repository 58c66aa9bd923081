using System.Management.Automation;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Tokenizers;

namespace LlamaPS.Commands;

/// <summary>
/// The token ids a model's prompt would get for a text: BOS as the metadata says and special tokens parsed, like
/// llama.cpp's tokenize tool; -NoBos and -NoParseSpecial turn those off. Works on vocabulary-only GGUF files too.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "LlamaToken")]
[OutputType(typeof(int))]
public sealed class ConvertToLlamaTokenCommand : PSCmdlet
{
    private ITokenizer? _tokenizer;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Text { get; set; } = "";

    /// <summary>A model from Import-LlamaModel or a path to a GGUF file (a vocabulary-only one will do).</summary>
    [Parameter]
    public object? Model { get; set; }

    [Parameter]
    public SwitchParameter NoBos { get; set; }

    [Parameter]
    public SwitchParameter NoParseSpecial { get; set; }

    protected override void BeginProcessing() => _tokenizer = TokenizerArgument.Resolve(this, Model);

    protected override void ProcessRecord()
    {
        foreach (int id in _tokenizer!.Encode(Text, addSpecial: !NoBos, parseSpecial: !NoParseSpecial)) WriteObject(id);
    }
}
