BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $command = 'LlamaPS.Commands.ConvertFromLlamaTokenCommand'
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'ConvertFrom-LlamaToken' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path (Get-SharedDataPath models/stories260K.gguf)
        $golden = Read-GoldenIds stories260K.p1
    }

    It 'turns llama.cpp''s generated ids into its generated text' {
        ConvertFrom-LlamaToken -Id $golden.Generated -Model $model | Should -BeExactly (Get-GoldenText stories260K.p1)
    }

    It 'round-trips ConvertTo-LlamaToken through the pipeline into one string' {
        $text = 'Once upon a time, Lily saw a big dog.'
        $result = @(ConvertTo-LlamaToken $text -Model $model | ConvertFrom-LlamaToken -Model $model)
        $result.Count | Should -Be 1
        $result[0] | Should -BeExactly $text
    }

    It 'round-trips through a vocabulary-only <Vocab> GGUF' -ForEach @(
        @{ Vocab = 'llama-spm' }
        @{ Vocab = 'llama-bpe' }
        @{ Vocab = 'qwen2' }
    ) {
        $vocab = Get-SharedDataPath "tokenizer/ggml-vocab-$Vocab.gguf"
        $text = "Hello world`n`tлама 🦙 <|endoftext|>  x"
        ConvertTo-LlamaToken $text -Model $vocab -NoParseSpecial | ConvertFrom-LlamaToken -Model $vocab | Should -BeExactly $text
    }

    It 'gives WordPiece words lowercased, each with its leading space' {
        $vocab = Get-SharedDataPath tokenizer/ggml-vocab-bert-bge.gguf
        ConvertTo-LlamaToken 'Hello, World!' -Model $vocab | ConvertFrom-LlamaToken -Model $vocab | Should -BeExactly ' hello , world !'
        ConvertFrom-LlamaToken -Id 101, 7592, 102 -Model $vocab -RenderSpecial | Should -BeExactly '[CLS] hello[SEP]'
    }

    It 'drops control tokens unless -RenderSpecial' {
        ConvertFrom-LlamaToken -Id $golden.Prompt -Model $model | Should -BeExactly 'Once upon a time'
        # Rendered, BOS shows as its text and the first word keeps the space of its piece, as in llama.cpp.
        ConvertFrom-LlamaToken -Id $golden.Prompt -Model $model -RenderSpecial | Should -BeExactly '<s> Once upon a time'
    }

    It 'reports TokenIdOutOfRange for id <Id> and decodes the rest' -ForEach @(
        @{ Id = 512 }
        @{ Id = -1 }
    ) {
        $text = ConvertFrom-LlamaToken -Id 403, $Id, 407 -Model $model -ErrorVariable errors -ErrorAction SilentlyContinue
        $text | Should -BeExactly (ConvertFrom-LlamaToken -Id 403, 407 -Model $model)
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "TokenIdOutOfRange,$command"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[0].TargetObject | Should -Be $Id
    }
}
