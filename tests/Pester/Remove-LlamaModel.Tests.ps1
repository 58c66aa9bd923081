BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.RemoveLlamaModelCommand'
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Remove-LlamaModel' -Skip:$noSharedData {
    BeforeEach {
        Get-LlamaModel | Remove-LlamaModel
        $model = Import-LlamaModel -Path $stories
    }

    It 'evicts a model given by -Model and frees it' {
        Remove-LlamaModel -Model $model
        Get-LlamaModel | Should -BeNullOrEmpty
        $model.IsDisposed | Should -BeTrue
    }

    It 'evicts the models piped from Get-LlamaModel' {
        $null = Import-LlamaModel -Path $stories -ContextLength 64
        @(Get-LlamaModel).Count | Should -Be 2
        Get-LlamaModel | Remove-LlamaModel
        Get-LlamaModel | Should -BeNullOrEmpty
    }

    It 'evicts every model loaded from a file given by -Path' {
        $null = Import-LlamaModel -Path $stories -ContextLength 64
        Push-Location (Split-Path $stories)
        try {
            Remove-LlamaModel -Path ./stories260K.gguf
        }
        finally {
            Pop-Location
        }
        Get-LlamaModel | Should -BeNullOrEmpty
    }

    It 'keeps the model under -WhatIf' {
        Remove-LlamaModel -Model $model -WhatIf
        [object]::ReferenceEquals((Get-LlamaModel), $model) | Should -BeTrue
        $model.IsDisposed | Should -BeFalse
    }

    It 'loads the file afresh on the next import' {
        Remove-LlamaModel -Model $model
        $again = Import-LlamaModel -Path $stories
        [object]::ReferenceEquals($again, $model) | Should -BeFalse
        $again.IsDisposed | Should -BeFalse
    }

    It 'fails with ModelNotLoaded for <Case>' -ForEach @(
        @{ Case = 'a file no model was loaded from'; Remove = { Remove-LlamaModel -Path (Get-SharedDataPath models/synth-llama-f32.gguf) -ErrorAction Stop } }
        @{ Case = 'a model already removed'; Remove = { Remove-LlamaModel -Model $model; Remove-LlamaModel -Model $model -ErrorAction Stop } }
    ) {
        $err = $Remove | Should -Throw -ErrorId "ModelNotLoaded,$command" -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'makes Invoke-LlamaPrompt refuse the removed model object with ModelRemoved' {
        Remove-LlamaModel -Model $model
        $err = { Invoke-LlamaPrompt -Prompt 'Once upon a time' -Model $model -MaxTokens 4 } |
            Should -Throw -ErrorId 'ModelRemoved,LlamaPS.Commands.InvokeLlamaPromptCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}
