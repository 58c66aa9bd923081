BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Get-LlamaModel' -Skip:$noSharedData {
    BeforeAll {
        Get-LlamaModel | Remove-LlamaModel
        $stories = Import-LlamaModel -Path (Get-SharedDataPath models/stories260K.gguf)
        $synth = Import-LlamaModel -Path (Get-SharedDataPath models/synth-qwen2-f32.gguf)
    }

    It 'lists every imported model, ordered by path' {
        $listed = @(Get-LlamaModel)
        $listed.Count | Should -Be 2
        [object]::ReferenceEquals($listed[0], $stories) | Should -BeTrue
        [object]::ReferenceEquals($listed[1], $synth) | Should -BeTrue
    }

    It 'filters by <Kind>' -ForEach @(
        @{ Kind = 'file name with a wildcard'; Filter = 'stories*' }
        @{ Kind = 'full path'; Filter = { $stories.Path } }
        @{ Kind = 'file name in another case'; Filter = 'STORIES260K.GGUF' }
    ) {
        $pattern = if ($Filter -is [scriptblock]) { & $Filter } else { $Filter }
        $found = @(Get-LlamaModel -Name $pattern)
        $found.Count | Should -Be 1
        [object]::ReferenceEquals($found[0], $stories) | Should -BeTrue
    }

    It 'returns nothing for a name no model matches' {
        Get-LlamaModel -Name 'no-such-model*' | Should -BeNullOrEmpty
    }

    It 'lists a model loaded by another cmdlet through a path' {
        Get-LlamaModel | Remove-LlamaModel
        $null = Invoke-LlamaPrompt -Prompt 'Once' -Model (Get-SharedDataPath models/stories260K.gguf) -MaxTokens 1 -Temperature 0
        (Get-LlamaModel).Path | Should -Be (Get-SharedDataPath models/stories260K.gguf)
    }

    Context 'format views' {
        It 'shows name, architecture, size in MB, parameters in millions, tensor types and context in the table' {
            $table = Import-LlamaModel -Path (Get-SharedDataPath models/stories260K.gguf) | Format-Table | Out-String -Width 200
            $lines = $table.Trim() -split '\r?\n'
            $lines[0] -split '\s+' | Should -Be 'Name', 'Architecture', 'SizeMB', 'ParametersM', 'TensorTypes', 'ContextLength'
            # 1185376 bytes, 292800 parameters.
            $lines[2] | Should -Match '^llama\s+llama\s+1\.13\s+0\.29\s+F32 x48\s+2048$'
        }

        It 'shows every descriptive property and none of the engine internals in the list' {
            $list = Import-LlamaModel -Path (Get-SharedDataPath models/stories260K.gguf) | Format-List | Out-String -Width 200
            $names = $list -split '\r?\n' | Where-Object { $_ -match '^\S' } | ForEach-Object { ($_ -split '\s*:')[0] }
            $names | Should -Be 'Name', 'Architecture', 'Path', 'FileSize', 'ParameterCount', 'TensorTypes',
                'ContextLength', 'TrainingContextLength', 'Device', 'LoadTime'
        }
    }
}
