BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
    # Every real template of ../shared/templates on two conversations: one with tools, one without a generation prompt.
    $goldenCases = if (-not $noSharedData) {
        $expected = Get-Content -Raw (Get-SharedDataPath templates/expected.json) | ConvertFrom-Json -AsHashtable
        foreach ($template in $expected.Keys) {
            foreach ($case in 'g_tools', 'c_system_user_assistant_user_nogen') {
                @{ Template = $template; Case = $case }
            }
        }
    }
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    . $PSScriptRoot/ChatModel.ps1
    $command = 'LlamaPS.Commands.ConvertToLlamaChatPromptCommand'
    $template = '{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}'
    $conversation = @{ role = 'system'; content = 'Be brief.' }, @{ role = 'user'; content = 'Hi' }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'ConvertTo-LlamaChatPrompt' {
    Context 'with -Template' {
        It 'renders the messages in order' {
            ConvertTo-LlamaChatPrompt $conversation -Template $template | Should -BeExactly '<|system|>Be brief.<|user|>Hi'
        }

        It 'gathers messages from the pipeline into one conversation' {
            $conversation | ConvertTo-LlamaChatPrompt -Template $template | Should -BeExactly '<|system|>Be brief.<|user|>Hi'
        }

        It 'opens the assistant turn with -AddGenerationPrompt and passes -BosToken and -EosToken' {
            ConvertTo-LlamaChatPrompt $conversation -Template $template -AddGenerationPrompt -BosToken '<s>' -EosToken '</s>' |
                Should -BeExactly '<s><|system|>Be brief.</s><|user|>Hi</s><|assistant|>'
        }

        It 'takes objects and any letter case of Role and Content' {
            $messages = [pscustomobject]@{ Role = 'user'; Content = 'A' }, @{ ROLE = 'assistant'; content = 'B' }
            ConvertTo-LlamaChatPrompt $messages -Template $template | Should -BeExactly '<|user|>A<|assistant|>B'
        }

        It 'passes other keys and -Tools through, in order, with nested values' {
            $tools = [ordered]@{ name = 'f'; args = @(1, 'x', $true, $null, 1.5) }
            $message = [ordered]@{ role = 'user'; content = 'Hi'; extra = [ordered]@{ b = 2; a = 1 } }
            ConvertTo-LlamaChatPrompt $message -Template '{{ tools | tojson }}|{{ messages[0].extra | tojson }}' -Tools $tools |
                Should -BeExactly '[{"name": "f", "args": [1, "x", true, null, 1.5]}]|{"b": 2, "a": 1}'
        }

        It 'fails with ChatTemplateError carrying the message of the template''s raise_exception' {
            $err = { ConvertTo-LlamaChatPrompt $conversation -Template "{{ raise_exception('System role not supported') }}" } |
                Should -Throw -ErrorId "ChatTemplateError,$command" -PassThru
            $err.Exception.Message | Should -BeExactly 'System role not supported'
            $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        }

        It 'fails with InvalidChatTemplate naming an unsupported construct and its line' {
            $err = { ConvertTo-LlamaChatPrompt $conversation -Template "line 1`n{% include 'x.jinja' %}" } |
                Should -Throw -ErrorId "InvalidChatTemplate,$command" -PassThru
            $err.Exception.Message | Should -BeLike '*{% include %}*line 2*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
        }

        It 'fails with InvalidChatMessage for a message without a role' {
            $err = { ConvertTo-LlamaChatPrompt @{ content = 'Hi' } -Template $template } |
                Should -Throw -ErrorId "InvalidChatMessage,$command" -PassThru
            $err.Exception.Message | Should -BeLike '*Message 0 has no role*'
            { ConvertTo-LlamaChatPrompt 'Hi' -Template $template } | Should -Throw -ErrorId "InvalidChatMessage,$command"
        }
    }

    Context 'with -Model' -Skip:$noSharedData {
        BeforeAll {
            $chatPath = New-ChatModel -Path (Join-Path $TestDrive 'chat.gguf') -Template $template
        }

        It 'uses the model''s template and its BOS and EOS texts, from a path without loading the model' {
            $before = @(Get-LlamaModel).Count
            ConvertTo-LlamaChatPrompt $conversation -Model $chatPath -AddGenerationPrompt |
                Should -BeExactly '<s><|system|>Be brief.</s><|user|>Hi</s><|assistant|>'
            @(Get-LlamaModel).Count | Should -Be $before
        }

        It 'uses a loaded model''s template, with -BosToken overriding its BOS text' {
            $model = Import-LlamaModel -Path $chatPath
            ConvertTo-LlamaChatPrompt $conversation -Model $model -BosToken '' | Should -BeExactly '<|system|>Be brief.</s><|user|>Hi</s>'
            Remove-LlamaModel -Model $model
        }

        It 'fails with NoChatTemplate for a model without one' {
            $err = { ConvertTo-LlamaChatPrompt $conversation -Model (Get-SharedDataPath models/stories260K.gguf) } |
                Should -Throw -ErrorId "NoChatTemplate,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }
    }

    Context 'on real templates' -Skip:$noSharedData {
        BeforeAll {
            $expected = Get-Content -Raw (Get-SharedDataPath templates/expected.json) | ConvertFrom-Json -AsHashtable
            $cases = Get-Content -Raw (Get-SharedDataPath templates/cases.json) | ConvertFrom-Json -AsHashtable
        }

        It 'renders <Template> on <Case> as Python''s jinja2 does' -ForEach $goldenCases {
            $record = $expected[$Template][$Case]
            $conversation = $cases[$Case]
            $arguments = @{
                Messages            = $conversation.messages
                Template            = Get-Content -Raw (Get-SharedDataPath "templates/$Template")
                AddGenerationPrompt = $record.add_generation_prompt
                BosToken            = $record.bos_token
                EosToken            = $record.eos_token
            }
            if ($conversation.tools) { $arguments.Tools = $conversation.tools }
            if ($record.ContainsKey('output')) {
                # The golden renders fixed strftime_now's clock at 15 Jan 2026; the cmdlet reads the local time.
                $today = (Get-Date).ToString('dd MMM yyyy', [cultureinfo]::InvariantCulture)
                ConvertTo-LlamaChatPrompt @arguments | Should -BeExactly $record.output.Replace('15 Jan 2026', $today)
            }
            else {
                $err = { ConvertTo-LlamaChatPrompt @arguments } | Should -Throw -ErrorId "ChatTemplateError,$command" -PassThru
                $err.Exception.Message | Should -BeExactly $record.error
            }
        }
    }
}
