BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    $manifest = Join-Path $PSScriptRoot '../../LlamaPS.psd1'
    Import-Module $manifest -Force
    . $PSScriptRoot/ChatModel.ps1
    $command = 'LlamaPS.Commands.InvokeLlamaChatCommand'
    $template = $ChatTestTemplate
    $greedy = @{ MaxTokens = 12; Temperature = 0 }

    # What a fresh context generates for the chat's conversation with one more user message: the reply a turn must give.
    function Get-FreshReply($Chat, [string] $Message, [hashtable] $Options = $greedy) {
        $messages = @($Chat.Messages) + @{ role = 'user'; content = $Message }
        $rendered = ConvertTo-LlamaChatPrompt $messages -Model $Chat.Model -AddGenerationPrompt
        Invoke-LlamaPrompt $rendered -Raw -Model $Chat.Model @Options
    }

    # Runs a streaming turn in another runspace, its pieces read slowly so that it lasts, and waits for the first
    # piece; the caller stops it.
    function Start-StreamingTurn($Chat) {
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', $manifest).Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddScript({
                param($Chat)
                Invoke-LlamaChat -Chat $Chat 'Once upon a time' -Stream -MaxTokens 100000 -Temperature 0 | ForEach-Object { $_; Start-Sleep -Milliseconds 20 }
            }).AddArgument($Chat)
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $noInput.Complete()
        $null = $ps.BeginInvoke($noInput, $output)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while ($output.Count -eq 0 -and $clock.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 5 }
        $output.Count | Should -BeGreaterThan 0 -Because 'the turn streams its first piece'
        $ps
    }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Invoke-LlamaChat' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel (New-ChatModel -Path (Join-Path $TestDrive 'chat.gguf') -Template $template)
    }

    It 'replies as a fresh context given the rendered conversation, and the chat keeps both messages' {
        $chat = New-LlamaChat -Model $model -System 'Tell a story.' @greedy
        $expected = Get-FreshReply $chat 'Once upon a time'
        $reply = Invoke-LlamaChat -Chat $chat 'Once upon a time'
        $reply | Should -BeOfType string
        $reply | Should -BeExactly $expected
        $chat.Messages.Role | Should -Be 'system', 'user', 'assistant'
        $chat.Messages[2].Content | Should -BeExactly $reply

        $expected = Get-FreshReply $chat 'Then the dog ran.'
        Invoke-LlamaChat -Chat $chat -Message 'Then the dog ran.' | Should -BeExactly $expected
        $chat.Messages.Count | Should -Be 5
    }

    It 'reports under -Verbose how many prompt tokens came from the cache and how many were evaluated' {
        $chat = New-LlamaChat -Model $model @greedy
        $first = @(Invoke-LlamaChat -Chat $chat 'Once upon a time' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $first[0] | Should -Match '^Prompt: (\d+) tokens, 0 reused from the cache, \1 evaluated in .* \([0-9.]+ tokens/s\)\.$'
        $first[1] | Should -Match '^Generation: 12 tokens in .*, stopped by MaxTokens\.$'
        $second = @(Invoke-LlamaChat -Chat $chat 'Then the dog ran.' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $second[0] -match '^Prompt: (\d+) tokens, (\d+) reused from the cache, (\d+) evaluated' | Should -BeTrue
        $total, $reused, $evaluated = [int]$Matches[1], [int]$Matches[2], [int]$Matches[3]
        $reused + $evaluated | Should -Be $total
        $reused | Should -Be $chat.LastStats.CachedTokens
        $evaluated | Should -BeLessThan $reused
    }

    It 'takes each piped message as a turn of its own' {
        $chat = New-LlamaChat -Model $model @greedy
        $replies = @('Once upon a time', 'Then?') | Invoke-LlamaChat -Chat $chat
        $replies.Count | Should -Be 2
        $chat.Messages.Content | Should -Be 'Once upon a time', $replies[0], 'Then?', $replies[1]
    }

    It 'streams the same reply as pieces with -Stream' {
        $chat = New-LlamaChat -Model $model @greedy
        $expected = Get-FreshReply $chat 'Once upon a time'
        $pieces = @(Invoke-LlamaChat -Chat $chat 'Once upon a time' -Stream)
        $pieces.Count | Should -BeGreaterThan 1
        -join $pieces | Should -BeExactly $expected
        $chat.Messages[-1].Content | Should -BeExactly $expected
    }

    It 'applies sampling parameters to its own turns only' {
        $chat = New-LlamaChat -Model $model @greedy
        $expected = Get-FreshReply $chat 'Once upon a time' @{ MaxTokens = 3; Temperature = 0 }
        Invoke-LlamaChat -Chat $chat 'Once upon a time' -MaxTokens 3 | Should -BeExactly $expected
        $chat.LastStats.GeneratedTokens | Should -Be 3
        $chat.Options.MaxTokens | Should -Be 12
        $null = Invoke-LlamaChat -Chat $chat 'Then?'
        $chat.LastStats.GeneratedTokens | Should -Be 12
    }

    It 'samples reproducibly with the chat''s -Seed' {
        $one = New-LlamaChat -Model $model -Temperature 1 -Seed 42 -MaxTokens 12
        $two = New-LlamaChat -Model $model -Temperature 1 -Seed 42 -MaxTokens 12
        Invoke-LlamaChat -Chat $one 'Once upon a time' | Should -BeExactly (Invoke-LlamaChat -Chat $two 'Once upon a time')
    }

    It 'stops the turn when the pipeline is stopped, keeping the reply so far' {
        $chat = New-LlamaChat -Model $model
        $ps = Start-StreamingTurn $chat
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        $chat.LastStats.StopReason | Should -Be 'Cancelled'
        $chat.Messages.Count | Should -Be 2
        $chat.Messages[1].Content | Should -Not -BeNullOrEmpty
    }

    It 'fails with ChatBusy while another turn of the chat runs' {
        $chat = New-LlamaChat -Model $model
        $ps = Start-StreamingTurn $chat
        try {
            $err = { Invoke-LlamaChat -Chat $chat 'Hi' } | Should -Throw -ErrorId "ChatBusy,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        }
        finally {
            $ps.Stop()
            $ps.Dispose()
        }
    }

    It 'fails with PromptTooLong for a message the context cannot hold, and goes on with the next' {
        $short = Import-LlamaModel -Path $model.Path -ContextLength 64
        $chat = New-LlamaChat -Model $short @greedy
        $replies = ('Once upon a time ' * 20), 'Once upon a time' | Invoke-LlamaChat -Chat $chat -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be "PromptTooLong,$command"
        $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $failures[0].Exception.Message | Should -BeLike '*context of 64 tokens*'
        @($replies).Count | Should -Be 1
        $chat.Messages.Content | Should -Be (@('Once upon a time') + $replies)
        Remove-LlamaModel -Model $short
    }

    It 'fails with ChatTemplateError carrying the template''s message, leaving the chat as it was' {
        $chat = New-LlamaChat -Model $model -Template "{% if messages | length > 1 %}{{ raise_exception('One question only.') }}{% endif %}{{ messages[0].content }}" @greedy
        $null = Invoke-LlamaChat -Chat $chat 'Once upon a time'
        $err = { Invoke-LlamaChat -Chat $chat 'Then?' -ErrorAction Stop } | Should -Throw -ErrorId "ChatTemplateError,$command" -PassThru
        $err.Exception.Message | Should -BeExactly 'One question only.'
        $chat.Messages.Count | Should -Be 2
    }

    It 'fails with ChatDisposed for a disposed chat' {
        $chat = New-LlamaChat -Model $model
        $chat.Dispose()
        { Invoke-LlamaChat -Chat $chat 'Hi' } | Should -Throw -ErrorId "ChatDisposed,$command"
    }

    It 'fails with ModelRemoved when the chat''s model was removed' {
        $removed = Import-LlamaModel -Path $model.Path -ContextLength 128
        $chat = New-LlamaChat -Model $removed
        Remove-LlamaModel -Model $removed
        $err = { Invoke-LlamaChat -Chat $chat 'Hi' } | Should -Throw -ErrorId "ModelRemoved,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $chat.Dispose()
    }

    It 'refuses an empty message' {
        $chat = New-LlamaChat -Model $model
        { Invoke-LlamaChat -Chat $chat '' } | Should -Throw -ErrorId "ParameterArgumentValidationErrorEmptyStringNotAllowed,$command"
    }
}
