BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
    # A SentencePiece, a byte-level BPE and the WordPiece vocabulary.
    $vectors = if (-not $noSharedData) {
        foreach ($vocab in 'llama-spm', 'llama-bpe', 'bert-bge') {
            Read-TokenizerVectors $vocab | Select-Object @{ Name = 'Vocab'; Expression = { $vocab } }, Text, Ids
        }
    }
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.ConvertToLlamaTokenCommand'

    # A copy of a vocabulary file in which one metadata string value is replaced by another of the same length.
    function Copy-VocabWithValue([string] $Vocab, [string] $Key, [string] $From, [string] $To) {
        $bytes = [IO.File]::ReadAllBytes((Get-SharedDataPath "tokenizer/ggml-vocab-$Vocab.gguf"))
        $latin1 = [Text.Encoding]::Latin1.GetString($bytes)
        # The key, its type (uint32) and the value's length (uint64) come before the value's bytes.
        $at = $latin1.IndexOf($Key, [StringComparison]::Ordinal) + $Key.Length + 12
        $latin1.Substring($at, $From.Length) | Should -Be $From
        [Text.Encoding]::Latin1.GetBytes($To).CopyTo($bytes, $at)
        $path = Join-Path $TestDrive "$To.gguf"
        [IO.File]::WriteAllBytes($path, $bytes)
        $path
    }
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

        It 'encodes llama.cpp''s <_.Vocab> vector <_.Text.Length>-char <_.Ids.Count>-token case' -ForEach $vectors {
            @(ConvertTo-LlamaToken -Text $_.Text -Model (Get-SharedDataPath "tokenizer/ggml-vocab-$($_.Vocab).gguf") -NoBos) |
                Should -Be $_.Ids
        }

        It 'starts LLaMA 3''s byte-level BPE with its BOS and parses its control tokens' {
            $bpe = Get-SharedDataPath tokenizer/ggml-vocab-llama-bpe.gguf
            ConvertTo-LlamaToken 'Hello world' -Model $bpe | Should -Be 128000, 9906, 1917
            ConvertTo-LlamaToken '<|eot_id|>' -Model $bpe -NoBos | Should -Be 128009
            ConvertTo-LlamaToken '<|eot_id|>' -Model $bpe -NoBos -NoParseSpecial | Should -Not -Contain 128009
        }

        It 'puts WordPiece''s [CLS] before and [SEP] after the text unless -NoBos' {
            ConvertTo-LlamaToken 'Hello world' -Model (Get-SharedDataPath tokenizer/ggml-vocab-bert-bge.gguf) | Should -Be 101, 7592, 2088, 102
        }

        It 'loads no model for it' {
            $before = @(Get-LlamaModel).Count
            $null = ConvertTo-LlamaToken 'Hello world' -Model $vocab
            @(Get-LlamaModel).Count | Should -Be $before
        }

        It 'fails with UnsupportedTokenizer naming <Name>, a <Kind> the engine lacks' -ForEach @(
            @{ Kind = 'tokenizer model'; Key = 'tokenizer.ggml.model'; From = 'gpt2'; Name = 'gpt9' }
            @{ Kind = 'BPE pre-tokenizer'; Key = 'tokenizer.ggml.pre'; From = 'gpt-2'; Name = 'gpt-9' }
        ) {
            $before = @(Get-LlamaModel).Count
            $vocab = Copy-VocabWithValue gpt-2 $Key $From $Name
            $err = { ConvertTo-LlamaToken 'Hello world' -Model $vocab } | Should -Throw -ErrorId "UnsupportedTokenizer,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'NotImplemented'
            $err.Exception.Message | Should -BeLike "*'$Name'*"
            @(Get-LlamaModel).Count | Should -Be $before
        }
    }
}
