BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.InvokeLlamaPromptCommand'
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Invoke-LlamaPrompt' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path $stories
        # llama.cpp's greedy continuation of 'Once upon a time' (32 tokens).
        $golden = Get-GoldenText stories260K.p1
        $greedy = @{ Model = $model; MaxTokens = 32; Temperature = 0 }
    }

    It 'continues a prompt greedily exactly as llama.cpp does' {
        Invoke-LlamaPrompt -Prompt 'Once upon a time' @greedy | Should -BeExactly $golden
    }

    It 'takes the prompt by position' {
        Invoke-LlamaPrompt 'Once upon a time' @greedy | Should -BeExactly $golden
    }

    It 'joins piped lines with newlines into one prompt' {
        $lines = 'Once upon a time, there was a cat.', 'The cat liked fish.', 'One day'
        $story = Join-Path $TestDrive 'story.txt'
        Set-Content -LiteralPath $story -Value $lines
        $piped = Get-Content -LiteralPath $story | Invoke-LlamaPrompt @greedy
        $piped | Should -BeExactly (Invoke-LlamaPrompt -Prompt ($lines -join "`n") @greedy)
        # A prompt that lost a line or its newlines would continue differently.
        $piped | Should -Not -BeExactly (Invoke-LlamaPrompt -Prompt ($lines -join ' ') @greedy)
    }

    It 'streams the same text as pieces with -Stream' {
        $pieces = @(Invoke-LlamaPrompt -Prompt 'Once upon a time' @greedy -Stream)
        $pieces.Count | Should -BeGreaterThan 1
        $pieces | ForEach-Object { $_ | Should -BeOfType string }
        -join $pieces | Should -BeExactly $golden
    }

    It 'samples reproducibly with -Seed at temperature 1' {
        $sampled = @{ Prompt = 'Once upon a time'; Model = $model; MaxTokens = 32; Temperature = 1 }
        $first = Invoke-LlamaPrompt @sampled -Seed 42
        Invoke-LlamaPrompt @sampled -Seed 42 | Should -BeExactly $first
        Invoke-LlamaPrompt @sampled -Seed 7 | Should -Not -BeExactly $first
    }

    It 'stops before the first -Stop string' {
        $cut = $golden.Substring(0, $golden.IndexOf('Lily'))
        Invoke-LlamaPrompt -Prompt 'Once upon a time' @greedy -Stop 'park', 'Lily' | Should -BeExactly $cut
    }

    It 'stops at -MaxTokens' {
        $five = Invoke-LlamaPrompt -Prompt 'Once upon a time' -Model $model -MaxTokens 5 -Temperature 0
        $five | Should -BeExactly (ConvertFrom-LlamaToken -Id (Read-GoldenIds stories260K.p1).Generated[0..4] -Model $model)
    }

    It 'reports prompt and generation speed in tokens/s under -Verbose' {
        $records = Invoke-LlamaPrompt -Prompt 'Once upon a time' @greedy -Verbose 4>&1
        $text = @($records | Where-Object { $_ -is [string] })
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $text | Should -BeExactly $golden
        $verbose.Count | Should -Be 2
        $verbose[0] | Should -Match '^Prompt: 5 tokens in .* \([0-9.]+ tokens/s\)'
        $verbose[1] | Should -Match '^Generation: 32 tokens in .* \([0-9.]+ tokens/s\), stopped by MaxTokens'
    }

    It 'runs the model imported from a -Model path, with the options it was imported with' {
        # Not a second copy with the default context: the 8-token context of the import refuses the prompt.
        $synth = Get-SharedDataPath models/synth-llama-f32.gguf
        $short = Import-LlamaModel -Path $synth -ContextLength 8
        $before = @(Get-LlamaModel).Count
        { Invoke-LlamaPrompt -Prompt ('Once upon a time ' * 4) -Model $synth -MaxTokens 1 } | Should -Throw -ErrorId "PromptTooLong,$command"
        @(Get-LlamaModel).Count | Should -Be $before
        Remove-LlamaModel -Model $short
    }

    Context '$env:LLAMAPS_MODEL' {
        BeforeEach {
            $saved = $env:LLAMAPS_MODEL
        }

        AfterEach {
            $env:LLAMAPS_MODEL = $saved
        }

        It 'runs the model it names when -Model is omitted' {
            $env:LLAMAPS_MODEL = $stories
            Invoke-LlamaPrompt -Prompt 'Once upon a time' -MaxTokens 32 -Temperature 0 | Should -BeExactly $golden
        }

        It 'fails with NoModelSpecified when neither it nor -Model is given' {
            $env:LLAMAPS_MODEL = $null
            $err = { Invoke-LlamaPrompt -Prompt 'Once upon a time' -MaxTokens 1 } | Should -Throw -ErrorId "NoModelSpecified,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }

    It 'fails with PromptTooLong when the prompt exceeds the context' {
        $short = Import-LlamaModel -Path $stories -ContextLength 8
        $err = { Invoke-LlamaPrompt -Prompt ('Once upon a time ' * 4) -Model $short -MaxTokens 1 } |
            Should -Throw -ErrorId "PromptTooLong,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -BeLike '*context of 8 tokens*'
    }

    It 'fails with NoPrompt when there is no text' {
        $err = { Invoke-LlamaPrompt -Model $model -MaxTokens 1 } | Should -Throw -ErrorId "NoPrompt,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}
