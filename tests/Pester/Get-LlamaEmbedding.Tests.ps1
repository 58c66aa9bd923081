BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.GetLlamaEmbeddingCommand'

    # A copy of a GGUF with more metadata keys, written by the engine's own GgufWriter.
    function Copy-GgufWithMetadata([string] $Source, [string] $Destination, [hashtable] $Extra) {
        $file = [LlamaPS.Engine.Gguf.GgufFile]::Open($Source)
        try {
            $bytes = [IO.File]::ReadAllBytes($Source)
            $writer = [LlamaPS.Engine.Gguf.GgufWriter]::new()
            foreach ($key in $file.Metadata.Keys) { $writer.AddMetadata($key, $file.Metadata[$key]) }
            foreach ($key in $Extra.Keys) { $writer.AddMetadata($key, $Extra[$key]) }
            foreach ($tensor in $file.Tensors) {
                $data = [byte[]]::new($tensor.ByteSize)
                [Array]::Copy($bytes, $tensor.FileOffset, $data, 0, $tensor.ByteSize)
                $writer.AddTensor($tensor.Name, $tensor.Type, [long[]]@($tensor.Dimensions), [ReadOnlyMemory[byte]]$data)
            }
            $writer.WriteTo($Destination)
        }
        finally {
            $file.Dispose()
        }
    }

    function Get-VectorLength([float[]] $Vector) {
        [Math]::Sqrt(($Vector | ForEach-Object { [double]$_ * $_ } | Measure-Object -Sum).Sum)
    }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Get-LlamaEmbedding' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path $stories
        $texts = 'Once upon a time', 'The cat sat on the mat.', 'Lily and Tom went to the park.'
    }

    It 'returns one object per piped text with its vector and token count' {
        $embeddings = @($texts | Get-LlamaEmbedding -Model $model)
        $embeddings.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            $e = $embeddings[$i]
            $e | Should -BeOfType LlamaPS.Engine.Inference.TextEmbedding
            $e.Text | Should -BeExactly $texts[$i]
            , $e.Vector | Should -BeOfType [float[]]
            $e.Dimensions | Should -Be 64
            $e.Vector.Count | Should -Be 64
            # BOS and the text's tokens, as ConvertTo-LlamaToken gives them.
            $e.TokenCount | Should -Be @(ConvertTo-LlamaToken -Model $model -Text $texts[$i]).Count
        }
        $embeddings[0].Vector | Should -Not -Be $embeddings[1].Vector
    }

    It 'gives the same vectors for -Text as for piped texts' {
        $piped = @($texts | Get-LlamaEmbedding -Model $model)
        $given = @(Get-LlamaEmbedding -Text $texts -Model $model)
        $given.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { $given[$i].Vector | Should -Be $piped[$i].Vector }
    }

    It 'pools the last token by default, as the model declares no pooling type' {
        $default = Get-LlamaEmbedding 'Once upon a time' -Model $model
        $default.Pooling | Should -Be 'Last'
        $last = Get-LlamaEmbedding 'Once upon a time' -Model $model -Pooling Last
        $last.Vector | Should -Be $default.Vector
    }

    It 'pools as -Pooling says' {
        $mean = Get-LlamaEmbedding 'Once upon a time' -Model $model -Pooling Mean
        $cls = Get-LlamaEmbedding 'Once upon a time' -Model $model -Pooling Cls
        $mean.Pooling | Should -Be 'Mean'
        $cls.Pooling | Should -Be 'Cls'
        $mean.Vector | Should -Not -Be $cls.Vector
        # Cls in a causal model is BOS's state, which sees no text: the same for every text.
        (Get-LlamaEmbedding 'The cat sat on the mat.' -Model $model -Pooling Cls).Vector | Should -Be $cls.Vector
    }

    It 'scales vectors to unit length with -Normalize' {
        $raw = Get-LlamaEmbedding 'Once upon a time' -Model $model
        $unit = Get-LlamaEmbedding 'Once upon a time' -Model $model -Normalize
        $unit.Normalized | Should -BeTrue
        Get-VectorLength $unit.Vector | Should -BeGreaterThan 0.99999
        Get-VectorLength $unit.Vector | Should -BeLessThan 1.00001
        $length = Get-VectorLength $raw.Vector
        $length | Should -Not -BeLessThan 1.1
        $unit.Vector[0] | Should -BeGreaterOrEqual ($raw.Vector[0] / $length - 1e-6)
        $unit.Vector[0] | Should -BeLessOrEqual ($raw.Vector[0] / $length + 1e-6)
    }

    It 'shows a table of text, tokens, pooling, dimensions and the first values' {
        $e = Get-LlamaEmbedding 'Once upon a time' -Model $model
        $table = ($e | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() }
        $table[0] | Should -Match '^Text\s+Tokens Pooling\s+Dims Vector$'
        $first = ($e.Vector[0..2] | ForEach-Object { '{0:N3}' -f $_ }) -join ' '
        $table[2] | Should -BeLike "Once upon a time * 5 Last * 64 $first …"
    }

    It 'truncates to the context with -Truncate and -ContextLength' {
        $long = 'Once upon a time ' * 4
        $e = Get-LlamaEmbedding $long -Model $stories -ContextLength 8 -Truncate
        $e.TokenCount | Should -Be 8
        $e.Truncated | Should -BeTrue
    }

    It 'writes TextTooLong for a text longer than the context and goes on with the next' {
        $long = 'Once upon a time ' * 4
        $out = @($long, 'Once upon a time' | Get-LlamaEmbedding -Model $stories -ContextLength 8 -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $out[0].Text | Should -BeExactly 'Once upon a time'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "TextTooLong,$command"
        $errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $errors[0].TargetObject | Should -BeExactly $long
        "$($errors[0])" | Should -BeLike '*context of 8 tokens*-Truncate*'
    }

    It 'writes EmptyText for an empty text and goes on with the next' {
        $out = @('', 'Once upon a time' | Get-LlamaEmbedding -Model $model -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "EmptyText,$command"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'accepts only Mean, Cls and Last for -Pooling' {
        { Get-LlamaEmbedding 'Once upon a time' -Model $model -Pooling Rank } |
            Should -Throw -ErrorId "ParameterArgumentValidationError,$command"
    }

    It 'uses the pooling the GGUF declares, and refuses a reranker with UnsupportedPooling' {
        $mean = Join-Path $TestDrive 'mean.gguf'
        Copy-GgufWithMetadata $stories $mean @{ 'llama.pooling_type' = [uint32]1 }
        $declared = Get-LlamaEmbedding 'Once upon a time' -Model $mean
        $declared.Pooling | Should -Be 'Mean'
        $declared.Vector | Should -Be (Get-LlamaEmbedding 'Once upon a time' -Model $model -Pooling Mean).Vector

        $rank = Join-Path $TestDrive 'rank.gguf'
        Copy-GgufWithMetadata $stories $rank @{ 'llama.pooling_type' = [uint32]4 }
        $err = { Get-LlamaEmbedding 'Once upon a time' -Model $rank } | Should -Throw -ErrorId "UnsupportedPooling,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'NotImplemented'
        (Get-LlamaEmbedding 'Once upon a time' -Model $rank -Pooling Last).Pooling | Should -Be 'Last'
    }

    It 'reports the pooling and each text''s speed under -Verbose' {
        $records = Get-LlamaEmbedding 'Once upon a time' -Model $model -Verbose 4>&1
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $verbose[0] | Should -Match 'Last pooling, up to 2048 tokens per text'
        $verbose[1] | Should -Match '^5 tokens in .* \([0-9.]+ tokens/s\)'
    }

    It 'fails with NoModelSpecified when neither -Model nor $env:LLAMAPS_MODEL is given' {
        $saved = $env:LLAMAPS_MODEL
        try {
            $env:LLAMAPS_MODEL = $null
            $err = { Get-LlamaEmbedding 'Once upon a time' } | Should -Throw -ErrorId "NoModelSpecified,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally {
            $env:LLAMAPS_MODEL = $saved
        }
    }

    It 'fails with ModelRemoved for a removed model' {
        $removed = Import-LlamaModel -Path $stories -ContextLength 32
        Remove-LlamaModel -Model $removed
        { Get-LlamaEmbedding 'Once upon a time' -Model $removed } | Should -Throw -ErrorId "ModelRemoved,$command"
    }
}
