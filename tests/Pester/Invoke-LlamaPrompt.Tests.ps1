BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    . $PSScriptRoot/ChatModel.ps1
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

# Chat models made from stories260K: the wrapped prompt must generate exactly what stories260K generates for the
# rendered text fed raw.
Describe 'Invoke-LlamaPrompt with a chat template' -Skip:$noSharedData {
    BeforeAll {
        $template = '{% for m in messages %}{{ m.role }}: {{ m.content }}</s>{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}'
        $chat = Import-LlamaModel (New-ChatModel -Path (Join-Path $TestDrive 'chat.gguf') -Template $template)
        $greedy = @{ MaxTokens = 24; Temperature = 0 }
        $golden = Get-GoldenText stories260K.p1
        # An object, not the path: a model imported from the path with other options (a short context) may be cached.
        $base = Import-LlamaModel -Path $stories
    }

    It 'wraps the prompt as a user turn through the template, with the template''s special tokens parsed' {
        $rendered = ConvertTo-LlamaChatPrompt @{ role = 'user'; content = 'Once upon a time' } -Model $chat -AddGenerationPrompt
        $rendered | Should -BeExactly 'user: Once upon a time</s>assistant:'
        $wrapped = Invoke-LlamaPrompt 'Once upon a time' -Model $chat @greedy
        $wrapped | Should -BeExactly (Invoke-LlamaPrompt $rendered -Raw -Model $base @greedy)
        $wrapped | Should -Not -BeExactly $golden.Substring(0, [Math]::Min($golden.Length, $wrapped.Length))
        # </s> in the prompt is the EOS token (id 2), not its spelled-out text.
        @(ConvertTo-LlamaToken $rendered -Model $chat) | Should -Contain 2
    }

    It 'puts -System in a system turn first' {
        $messages = @{ role = 'system'; content = 'Be kind.' }, @{ role = 'user'; content = 'Once upon a time' }
        $rendered = ConvertTo-LlamaChatPrompt $messages -Model $chat -AddGenerationPrompt
        Invoke-LlamaPrompt 'Once upon a time' -System 'Be kind.' -Model $chat @greedy |
            Should -BeExactly (Invoke-LlamaPrompt $rendered -Raw -Model $base @greedy)
    }

    It 'feeds the prompt unchanged with -Raw, as for a model without a template' {
        Invoke-LlamaPrompt 'Once upon a time' -Raw -Model $chat -MaxTokens 32 -Temperature 0 | Should -BeExactly $golden
    }

    It 'does not double the BOS that a template writes and the tokenizer adds' {
        $withBos = Import-LlamaModel (New-ChatModel -Path (Join-Path $TestDrive 'bos.gguf') -Template ('{{ bos_token }}' + $template))
        Invoke-LlamaPrompt 'Once upon a time' -Model $withBos @greedy | Should -BeExactly (Invoke-LlamaPrompt 'Once upon a time' -Model $chat @greedy)
    }

    It 'says under -Verbose that the chat template was applied' {
        $verbose = @(Invoke-LlamaPrompt 'Once upon a time' -Model $chat -MaxTokens 1 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $verbose[0] | Should -BeLike 'Chat template: the prompt goes in as a user turn*'
    }

    It 'stops at an end-of-turn token that the model''s metadata names' {
        # Mark the fourth token stories260K generates for 'Once upon a time' (new at that step) as end of turn.
        $ids = (Read-GoldenIds stories260K.p1).Generated
        $eotPath = New-ChatModel -Path (Join-Path $TestDrive 'eot.gguf') -Template $template -Metadata @{ 'tokenizer.ggml.eot_token_id' = [uint32]$ids[3] }
        $ids[0..2] | Should -Not -Contain $ids[3]
        Invoke-LlamaPrompt 'Once upon a time' -Raw -Model $eotPath -MaxTokens 32 -Temperature 0 |
            Should -BeExactly (ConvertFrom-LlamaToken -Id $ids[0..2] -Model $base)
    }

    It 'fails with ChatTemplateError carrying the template''s own message' {
        $refusing = New-ChatModel -Path (Join-Path $TestDrive 'refusing.gguf') `
            -Template "{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ messages[0].content }}"
        Invoke-LlamaPrompt 'Once upon a time' -Model $refusing -MaxTokens 1 -Temperature 0 | Should -Not -BeNullOrEmpty
        $err = { Invoke-LlamaPrompt 'Once upon a time' -System 'Be kind.' -Model $refusing -MaxTokens 1 } |
            Should -Throw -ErrorId "ChatTemplateError,$command" -PassThru
        $err.Exception.Message | Should -BeExactly 'System role not supported'
    }

    It 'fails with InvalidChatTemplate for a template it cannot render, which -Raw bypasses' {
        $unsupported = New-ChatModel -Path (Join-Path $TestDrive 'unsupported.gguf') -Template "{% include 'chat.jinja' %}"
        $err = { Invoke-LlamaPrompt 'Once upon a time' -Model $unsupported -MaxTokens 1 } | Should -Throw -ErrorId "InvalidChatTemplate,$command" -PassThru
        $err.Exception.Message | Should -BeLike '*{% include %}*line 1*'
        Invoke-LlamaPrompt 'Once upon a time' -Raw -Model $unsupported -MaxTokens 32 -Temperature 0 | Should -BeExactly $golden
    }

    It 'fails with NoChatTemplate for -System on a model without a template' {
        $err = { Invoke-LlamaPrompt 'Once upon a time' -System 'Be kind.' -Model $base -MaxTokens 1 } |
            Should -Throw -ErrorId "NoChatTemplate,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'does not take -System and -Raw together' {
        { Invoke-LlamaPrompt 'Once upon a time' -System 'x' -Raw -Model $chat -MaxTokens 1 } | Should -Throw -ErrorId "AmbiguousParameterSet,$command"
    }
}
