# Writes chat models for tests: copies of ../shared/models/stories260K.gguf (a base model without a chat template)
# with a chat template and other metadata set, through the engine's GgufWriter. Their outputs are stories260K's, so
# tests can predict them. Dot-source after SharedData.ps1 and after importing the module.

Add-Type -LiteralPath (Join-Path $PSScriptRoot '../../bin/LlamaPS.Engine.dll')

# The chat tests' template: each turn as <|role|>content</s>, then the assistant's opening when asked for.
$ChatTestTemplate = '{% for m in messages %}<|{{ m.role }}|>{{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}'

function New-ChatModel {
    param(
        [Parameter(Mandatory)] [string] $Path,
        [Parameter(Mandatory)] [string] $Template,
        # More metadata to set, replacing stories260K's value of the same key.
        [hashtable] $Metadata = @{}
    )
    $source = [LlamaPS.Engine.Gguf.GgufFile]::Open((Get-SharedDataPath models/stories260K.gguf))
    try {
        $writer = [LlamaPS.Engine.Gguf.GgufWriter]::CopyOf($source, [string[]](@('tokenizer.chat_template') + @($Metadata.Keys)))
        $writer.AddMetadata('tokenizer.chat_template', $Template)
        foreach ($key in $Metadata.Keys) { $writer.AddMetadata($key, $Metadata[$key]) }
        $writer.WriteTo($Path)
    }
    finally {
        $source.Dispose()
    }
    $Path
}
