BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $synth = Get-SharedDataPath models/synth-llama-q8_0.gguf
    $command = 'LlamaPS.Commands.MeasureLlamaModelCommand'
    # Small counts keep each test to a fraction of a second.
    $quick = @{ PromptTokens = 16; GenerateTokens = 4; Repetitions = 2 }
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Measure-LlamaModel' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path $synth -Threads 1
        $results = @(Measure-LlamaModel -Model $model @quick)
    }

    It 'returns one result per test, named after the token counts' {
        $results.Count | Should -Be 2
        $results[0] | Should -BeOfType LlamaPS.Engine.Inference.ModelBenchmarkResult
        $results.Test | Should -Be @('pp16', 'tg4')
    }

    It 'reports the model, backend, threads, speed and memory' {
        foreach ($r in $results) {
            $r.Model | Should -Be $model.Name
            $r.ModelSize | Should -Be $model.FileSize
            $r.Parameters | Should -Be $model.ParameterCount
            $r.Backend | Should -Be 'CPU'
            $r.Threads | Should -Be 1
            $r.Samples.Count | Should -Be 2
            $r.TokensPerSecond | Should -BeGreaterThan 0
            $r.StdDev | Should -BeGreaterOrEqual 0
            $r.ContextMemoryBytes | Should -BeGreaterThan 0
            $r.Memory.ResidentBytes | Should -BeGreaterThan 0
        }
    }

    It 'skips a test whose token count is 0' {
        (Measure-LlamaModel -Model $model @quick -PromptTokens 0).Test | Should -Be 'tg4'
        (Measure-LlamaModel -Model $model @quick -GenerateTokens 0).Test | Should -Be 'pp16'
    }

    It 'loads through the cache with -Threads' {
        $result = Measure-LlamaModel -Model $synth @quick -GenerateTokens 0 -Threads 2
        $result.Threads | Should -Be 2
        @(Get-LlamaModel | Where-Object Path -EQ $synth).Count | Should -Be 2
    }

    It 'takes models from the pipeline and the CPU by name or index' {
        ($model | Measure-LlamaModel @quick -PromptTokens 0 -Device cpu).Test | Should -Be 'tg4'
        (Measure-LlamaModel -Model $model @quick -PromptTokens 0 -Device 0).Test | Should -Be 'tg4'
        (Measure-LlamaModel -Model $model @quick -PromptTokens 0 -Device (Get-LlamaDevice)[0]).Test | Should -Be 'tg4'
    }

    It 'shows a llama-bench table' {
        $table = $results | Format-Table | Out-String
        $table | Should -Match 'Backend\s+Threads\s+Test\s+t/s'
        $table | Should -Match 'pp16\s+[\d.,]+ ± [\d.,]+'
    }

    It 'refuses a device that does not exist with DeviceNotFound' {
        { Measure-LlamaModel -Model $model @quick -Device 99 } | Should -Throw -ErrorId "DeviceNotFound,$command"
        { Measure-LlamaModel -Model $model @quick -Device GPU } | Should -Throw -ErrorId "DeviceNotFound,$command"
    }

    It 'refuses more tokens than the context holds with PromptTooLong' {
        { Measure-LlamaModel -Model $model -PromptTokens ($model.ContextLength + 1) -GenerateTokens 0 -Repetitions 1 } |
            Should -Throw -ErrorId "PromptTooLong,$command"
    }

    It 'reports a missing model file with ModelFileNotFound' {
        { Measure-LlamaModel -Model (Join-Path $TestDrive 'missing.gguf') @quick } | Should -Throw -ErrorId "ModelFileNotFound,$command"
    }
}
