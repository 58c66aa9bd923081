BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    . $PSScriptRoot/ChatModel.ps1
    $command = 'LlamaPS.Commands.SaveLlamaChatCommand'
    $newCommand = 'LlamaPS.Commands.NewLlamaChatCommand'
    $template = $ChatTestTemplate
    $greedy = @{ MaxTokens = 12; Temperature = 0 }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Save-LlamaChat and New-LlamaChat -Path' -Skip:$noSharedData {
    BeforeAll {
        $path = New-ChatModel -Path (Join-Path $TestDrive 'chat.gguf') -Template $template
        $model = Import-LlamaModel $path
        $chat = New-LlamaChat -Model $model -System 'Tell a story.' -Stop 'zz' @greedy
        $null = 'Once upon a time', 'Then?' | Invoke-LlamaChat -Chat $chat
        $file = Join-Path $TestDrive 'story.json'
        Save-LlamaChat -Chat $chat -Path $file
    }

    It 'writes the messages, the model''s path and the settings as JSON' {
        $saved = Get-Content -Raw $file | ConvertFrom-Json
        $saved.version | Should -Be 1
        $saved.model | Should -Be $model.Path
        $saved.template | Should -BeNullOrEmpty
        $saved.options.maxTokens | Should -Be 12
        $saved.options.stop | Should -Be 'zz'
        $saved.options.sampling.temperature | Should -Be 0
        $saved.messages.role | Should -Be 'system', 'user', 'assistant', 'user', 'assistant'
        $saved.messages.content | Should -Be $chat.Messages.Content
    }

    It 'continues a saved chat as the original goes on, evaluating the conversation again on the first turn' {
        $restored = New-LlamaChat -Path $file
        $restored.Model | Should -Be $model
        $restored.Messages | Should -Be $chat.Messages
        $restored.Options.Stop | Should -Be 'zz'
        $records = Invoke-LlamaChat -Chat $restored 'And then?' -Verbose 4>&1
        $reply = $records | Where-Object { $_ -is [string] }
        $reply | Should -BeExactly (Invoke-LlamaChat -Chat $chat 'And then?')
        ($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })[0].Message | Should -Match '^Prompt: (\d+) tokens, 0 reused from the cache, \1 evaluated'
    }

    It 'takes the chat from the pipeline and a path relative to the current location, and saves a given template' {
        $given = New-LlamaChat -Model (Get-SharedDataPath models/stories260K.gguf) -Template $template
        Push-Location $TestDrive
        try {
            $given | Save-LlamaChat given.json
        }
        finally {
            Pop-Location
        }
        $restored = New-LlamaChat -Path (Join-Path $TestDrive 'given.json')
        $restored.Template.Source | Should -BeExactly $template
        $restored.Model.Path | Should -Be (Get-SharedDataPath models/stories260K.gguf)
    }

    It 'lets -Model and sampling parameters override what was saved' {
        $other = Import-LlamaModel -Path $path -ContextLength 256
        $restored = New-LlamaChat -Path $file -Model $other -MaxTokens 3
        $restored.Model | Should -Be $other
        $restored.ContextLength | Should -Be 256
        $restored.Options.MaxTokens | Should -Be 3
        $restored.Options.Sampling.Temperature | Should -Be 0
        $restored.Dispose()
        Remove-LlamaModel -Model $other
    }

    It 'fails with ChatFileWriteError for a folder that does not exist' {
        $err = { Save-LlamaChat -Chat $chat -Path (Join-Path $TestDrive 'missing/chat.json') -ErrorAction Stop } |
            Should -Throw -ErrorId "ChatFileWriteError,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'WriteError'
    }

    It 'fails with ChatFileNotFound for a file that does not exist' {
        $err = { New-LlamaChat -Path (Join-Path $TestDrive 'nothing.json') } | Should -Throw -ErrorId "ChatFileNotFound,$newCommand" -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'fails with InvalidChatFile for a file that is not a saved chat' {
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad '{ "version": 1, "messages": [ { "content": "no role" } ] }'
        $err = { New-LlamaChat -Path $bad } | Should -Throw -ErrorId "InvalidChatFile,$newCommand" -PassThru
        $err.Exception.Message | Should -BeLike "$bad is not a saved chat*"
    }

    It 'does not take -Path with -System' {
        { New-LlamaChat -Path $file -System 'x' } | Should -Throw -ErrorId "AmbiguousParameterSet,$newCommand"
    }
}
