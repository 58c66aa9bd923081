BeforeDiscovery {
    . $PSScriptRoot/SharedData.ps1
    $noSharedData = -not (Test-SharedData)
}

BeforeAll {
    . $PSScriptRoot/SharedData.ps1
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $stories = Get-SharedDataPath models/stories260K.gguf
    $command = 'LlamaPS.Commands.ImportLlamaModelCommand'
}

AfterAll {
    # The model cache lives as long as the process; leave it empty for the next test file.
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'Import-LlamaModel' -Skip:$noSharedData {
    BeforeAll {
        $model = Import-LlamaModel -Path $stories
    }

    It 'returns the model with its file''s properties' {
        $model | Should -BeOfType LlamaPS.Engine.Inference.LlamaModel
        $model.Path | Should -Be $stories
        $model.Architecture | Should -Be 'llama'
        $model.FileSize | Should -Be (Get-Item $stories).Length
        # Sum of the tensors' elements: 5 layers of dim 64 plus the 512 x 64 embedding and output.
        $model.ParameterCount | Should -Be 292800
        $model.TensorTypes | Should -Be 'F32 x48'
        $model.TrainingContextLength | Should -Be 2048
        $model.ContextLength | Should -Be 2048
        $model.Device | Should -BeLike 'CPU*'
        $model.LoadTime | Should -BeGreaterThan ([timespan]::Zero)
    }

    It 'returns the cached object for the same file, however the path is written' {
        [object]::ReferenceEquals((Import-LlamaModel -Path $stories), $model) | Should -BeTrue
        Push-Location (Split-Path $stories)
        try {
            [object]::ReferenceEquals((Import-LlamaModel ./stories260K.gguf), $model) | Should -BeTrue
        }
        finally {
            Pop-Location
        }
        [object]::ReferenceEquals((Get-Item $stories | Import-LlamaModel), $model) | Should -BeTrue
    }

    It 'reports a fresh load and a reuse under -Verbose' {
        $verbose = Import-LlamaModel -Path $stories -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -BeLike 'Reusing*'
    }

    It 'loads a separate model for another -ContextLength' {
        $short = Import-LlamaModel -Path $stories -ContextLength 64
        $short.ContextLength | Should -Be 64
        [object]::ReferenceEquals($short, $model) | Should -BeFalse
    }

    It 'runs on the number of threads given by -Threads' {
        (Import-LlamaModel -Path $stories -Threads 1).Device | Should -Match '\b1 thread'
    }

    It 'imports the good files and reports the missing one when given several' {
        $missing = Join-Path $TestDrive 'missing.gguf'
        $result = Import-LlamaModel -Path $missing, $stories -ErrorVariable errors -ErrorAction SilentlyContinue
        [object]::ReferenceEquals($result, $model) | Should -BeTrue
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be $missing
    }

    Context '-Device and -GpuLayers' {
        It 'runs the GPU code path on ILGPU''s CPU accelerator and writes the CPU engine''s greedy text' {
            $gpu = Import-LlamaModel -Path $stories -Device ILGPU-CPU -ContextLength 64 -Verbose 4>&1 | Tee-Object -Variable out | Where-Object { $_ -is [LlamaPS.Engine.Inference.LlamaModel] }
            $verbose = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
            $verbose | Should -Match 'all 5 layers on ILGPU-CPU'
            $verbose | Should -Match 'Kernels compiled \(JIT\) in \d+ ms'
            $gpu.Device | Should -Match 'ILGPU'
            $cpu = Import-LlamaModel -Path $stories -Device CPU -ContextLength 64
            $cpu.Placement | Should -Be 'all layers on the CPU'
            $onGpu = Invoke-LlamaPrompt 'Once upon a time' -Model $gpu -MaxTokens 12 -Temperature 0
            $onCpu = Invoke-LlamaPrompt 'Once upon a time' -Model $cpu -MaxTokens 12 -Temperature 0
            $onGpu | Should -Be $onCpu
        }

        It 'keeps the model on the CPU with -GpuLayers 0' {
            (Import-LlamaModel -Path $stories -Device ILGPU-CPU -GpuLayers 0 -ContextLength 32).Placement | Should -Be 'all layers on the CPU'
        }

        It 'refuses a device that does not exist with DeviceNotFound' {
            { Import-LlamaModel -Path $stories -Device 'no such device' -ErrorAction Stop } | Should -Throw -ErrorId "DeviceNotFound,$command"
        }

        It 'splits the layers with -GpuLayers 2: the last 2 on the device, the CPU engine''s greedy text' {
            $split = Import-LlamaModel -Path $stories -Device ILGPU-CPU -GpuLayers 2 -ContextLength 32
            $split.Placement | Should -Match '^last 2 of 5 layers on ILGPU-CPU .+, 3 on the CPU$'
            $split.Device | Should -Match '^CPU \(.+\) \+ .+ \(ILGPU\)$'
            $cpu = Import-LlamaModel -Path $stories -Device CPU -ContextLength 32
            Invoke-LlamaPrompt 'Once upon a time' -Model $split -MaxTokens 4 -Temperature 0 |
                Should -Be (Invoke-LlamaPrompt 'Once upon a time' -Model $cpu -MaxTokens 4 -Temperature 0)
        }

        It 'refuses a layer count below -1 with ParameterArgumentValidationError' {
            { Import-LlamaModel -Path $stories -Device ILGPU-CPU -GpuLayers -2 -ErrorAction Stop } |
                Should -Throw -ErrorId "ParameterArgumentValidationError,$command"
        }
    }

    Context 'a file it cannot load' {
        BeforeAll {
            $junk = Join-Path $TestDrive 'junk.gguf'
            Set-Content -LiteralPath $junk -Value 'This is not a GGUF file.'
        }

        It 'fails with <Id> (<Category>) for <Case>' -ForEach @(
            @{ Case = 'a missing file'; File = { Join-Path $TestDrive 'missing.gguf' }; Id = 'ModelFileNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a file that is not GGUF'; File = { $junk }; Id = 'InvalidGgufFile'; Category = 'InvalidData' }
            @{ Case = 'a vocabulary-only GGUF'; File = { Get-SharedDataPath tokenizer/ggml-vocab-llama-spm.gguf }; Id = 'MissingTensor'; Category = 'InvalidData' }
        ) {
            $before = @(Get-LlamaModel).Count
            $path = & $File
            $err = { Import-LlamaModel -Path $path -ErrorAction Stop } | Should -Throw -ErrorId "$Id,$command" -PassThru
            $err.CategoryInfo.Category | Should -Be $Category
            $err.TargetObject | Should -Be $path
            # Nothing half-loaded stays in the cache.
            @(Get-LlamaModel).Count | Should -Be $before
        }

        It 'says why a vocabulary-only file cannot be a model' {
            { Import-LlamaModel -Path (Get-SharedDataPath tokenizer/ggml-vocab-llama-spm.gguf) -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*vocabulary-only GGUF cannot generate text*'
        }
    }
}
