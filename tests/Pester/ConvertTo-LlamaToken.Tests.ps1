BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
    $spmVectors = if (-not $noSharedData) { Read-TokenizerVectors llama-spm }
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.ConvertToLlamaTokenCommand'
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'ConvertTo-LlamaToken' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path $stories
        # The ids llama.cpp fed stories260K for 'Once upon a time', BOS (1) first.
        $promptIds = (Read-GoldenIds stories260K.p1).Prompt
    }

    It 'gives the ids llama.cpp gives, BOS included' {
        $ids = @(ConvertTo-LlamaToken -Text 'Once upon a time' -Model $model)
        $ids[0] | Should -Be 1
        $ids | Should -Be $promptIds
    }

    It 'drops the BOS with -NoBos' {
        ConvertTo-LlamaToken 'Once upon a time' -Model $model -NoBos | Should -Be $promptIds[1..($promptIds.Count - 1)]
    }

    It 'accepts a model path and texts from the pipeline' {
        $ids = @('Once upon a time', 'Once upon a time' | ConvertTo-LlamaToken -Model $stories)
        $ids | Should -Be ($promptIds + $promptIds)
    }

    It 'parses special tokens unless -NoParseSpecial' {
        ConvertTo-LlamaToken '<s>' -Model $model -NoBos | Should -Be 1
        ConvertTo-LlamaToken '<s>' -Model $model -NoBos -NoParseSpecial | Should -Not -Contain 1
    }

    Context 'a vocabulary-only GGUF' {
        BeforeAll {
            $vocab = Get-SharedDataPath tokenizer/ggml-vocab-llama-spm.gguf
        }

        It 'encodes llama.cpp''s llama-spm vector <_.Text.Length>-char <_.Ids.Count>-token case' -ForEach $spmVectors {
            @(ConvertTo-LlamaToken -Text $_.Text -Model $vocab -NoBos) | Should -Be $_.Ids
        }

        It 'loads no model for it' {
            $before = @(Get-LlamaModel).Count
            $null = ConvertTo-LlamaToken 'Hello world' -Model $vocab
            @(Get-LlamaModel).Count | Should -Be $before
        }

        It 'fails with UnsupportedTokenizer for a tokenizer the engine lacks' {
            $before = @(Get-LlamaModel).Count
            $err = { ConvertTo-LlamaToken 'Hello world' -Model (Get-SharedDataPath tokenizer/ggml-vocab-gpt-2.gguf) } |
                Should -Throw -ErrorId "UnsupportedTokenizer,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'NotImplemented'
            @(Get-LlamaModel).Count | Should -Be $before
        }
    }
}
