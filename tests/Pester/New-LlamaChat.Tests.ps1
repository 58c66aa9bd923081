BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    . $PSScriptRoot/ChatModel.ps1
    $command = 'LlamaPS.Commands.NewLlamaChatCommand'
    $template = $ChatTestTemplate
    $greedy = @{ MaxTokens = 12; Temperature = 0 }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'New-LlamaChat' -Skip:$noSharedData {
    BeforeAll {
        $path = New-ChatModel -Path (Join-Path $TestDrive 'chat.gguf') -Template $template
        $model = Import-LlamaModel $path
        $stories = Get-SharedDataPath models/stories260K.gguf
    }

    It 'returns a chat that starts with the -System message and keeps the settings given' {
        $chat = New-LlamaChat -Model $model -System 'Tell a story.' -MaxTokens 7 -Temperature 0.5 -TopK 3 -Seed 42 -Stop 'x'
        $chat | Should -BeOfType LlamaPS.Engine.Inference.ChatSession
        $chat.Messages.Role | Should -Be 'system'
        $chat.Messages.Content | Should -Be 'Tell a story.'
        $chat.Model | Should -Be $model
        $chat.Options.MaxTokens | Should -Be 7
        $chat.Options.Stop | Should -Be 'x'
        $s = $chat.Options.Sampling
        $s.Temperature, $s.TopK, $s.Seed, $s.TopP | Should -Be ([float]0.5), 3, 42, ([float]0.95)
        $chat.CachedTokens | Should -Be 0
    }

    It 'starts from -Messages: hashtables, objects, or another chat''s messages' {
        $messages = @{ Role = 'user'; Content = 'Once upon a time' }, [pscustomobject]@{ role = 'assistant'; content = ' there was a cat.' }
        $chat = New-LlamaChat -Model $model -System 'Tell a story.' -Messages $messages @greedy
        $chat.Messages.Role | Should -Be 'system', 'user', 'assistant'
        $rendered = ConvertTo-LlamaChatPrompt (@($chat.Messages) + @{ role = 'user'; content = 'Then?' }) -Model $model -AddGenerationPrompt
        $rendered | Should -BeExactly '<|system|>Tell a story.</s><|user|>Once upon a time</s><|assistant|> there was a cat.</s><|user|>Then?</s><|assistant|>'
        Invoke-LlamaChat -Chat $chat 'Then?' | Should -BeExactly (Invoke-LlamaPrompt $rendered -Raw -Model $model @greedy)

        $copy = New-LlamaChat -Model $model -Messages $chat.Messages
        $copy.Messages | Should -Be $chat.Messages
    }

    It 'renders with -Template, also for a model without one' {
        $chat = New-LlamaChat -Model $stories -Template $template @greedy
        $reply = Invoke-LlamaChat -Chat $chat 'Once upon a time'
        $reply | Should -BeExactly (Invoke-LlamaPrompt '<|user|>Once upon a time</s><|assistant|>' -Raw -Model $stories @greedy)
    }

    It 'reports the model, messages and context under -Verbose' {
        $verbose = New-LlamaChat -Model $model -System 'Hi' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -BeLike "Chat with *: 1 messages, the model's chat template, a context of * tokens."
    }

    It 'shows a chat as a table of model, messages, cached tokens and last message' {
        $chat = New-LlamaChat -Model $model -System 'Tell a story.'
        $table = $chat | Format-Table | Out-String
        $table | Should -Match 'Model\s+Messages\s+Tokens\s+LastMessage'
        $table | Should -Match '\s1\s+0/\d+\s+system: Tell a story\.'
    }

    It 'fails with NoChatTemplate for a model without one and no -Template' {
        $err = { New-LlamaChat -Model $stories } | Should -Throw -ErrorId "NoChatTemplate,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -BeLike '*-Template*'
    }

    It 'fails with InvalidChatTemplate for a -Template that does not parse' {
        $err = { New-LlamaChat -Model $model -Template '{% for %}' } | Should -Throw -ErrorId "InvalidChatTemplate,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'fails with InvalidChatMessage for <Case>' -ForEach @(
        @{ Case = 'a message without a role'; Message = @{ content = 'Hi' }; Text = '*has no role*' }
        @{ Case = 'a message without content'; Message = @{ role = 'user' }; Text = '*has no content*' }
        @{ Case = 'content that is not text'; Message = @{ role = 'user'; content = 42 }; Text = '*content of type Int32*' }
        @{ Case = 'keys other than role and content'; Message = @{ role = 'assistant'; content = ''; tool_calls = @() }; Text = "*'tool_calls'*" }
        @{ Case = 'a string'; Message = 'Hi'; Text = '*not a message*' }
    ) {
        $err = { New-LlamaChat -Model $model -Messages @($Message) } | Should -Throw -ErrorId "InvalidChatMessage,$command" -PassThru
        $err.Exception.Message | Should -BeLike $Text
    }

    It 'fails with DuplicateSystemMessage for -System and a system message in -Messages' {
        { New-LlamaChat -Model $model -System 'A' -Messages @{ role = 'system'; content = 'B' } } |
            Should -Throw -ErrorId "DuplicateSystemMessage,$command"
    }

    It 'fails with InvalidArgument for sampling settings the sampler refuses' {
        { New-LlamaChat -Model $model -TopP 0 } | Should -Throw -ErrorId "InvalidArgument,$command"
    }

    Context '$env:LLAMAPS_MODEL' {
        BeforeEach {
            $saved = $env:LLAMAPS_MODEL
        }

        AfterEach {
            $env:LLAMAPS_MODEL = $saved
        }

        It 'chats with the model it names when -Model is omitted' {
            $env:LLAMAPS_MODEL = $path
            (New-LlamaChat).Model | Should -Be $model
        }

        It 'fails with NoModelSpecified when neither it nor -Model is given' {
            $env:LLAMAPS_MODEL = $null
            { New-LlamaChat } | Should -Throw -ErrorId "NoModelSpecified,$command"
        }
    }
}
