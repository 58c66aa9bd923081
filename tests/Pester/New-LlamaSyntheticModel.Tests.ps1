BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $command = 'LlamaPS.Commands.NewLlamaSyntheticModelCommand'
}

AfterAll {
    Get-LlamaModel | Remove-LlamaModel
}

Describe 'New-LlamaSyntheticModel' {
    BeforeAll {
        $path = Join-Path $TestDrive 'tiny-q4_0.gguf'
        $file = New-LlamaSyntheticModel -Path $path -Shape Tiny -Type Q4_0 -Seed 3
    }

    It 'writes the file and returns it' {
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $path
        $path | Should -Exist
    }

    It 'writes a model of the shape and type asked for, that loads and generates' {
        $model = Import-LlamaModel -Path $path
        $model.Architecture | Should -Be 'llama'
        $model.TrainingContextLength | Should -Be 512
        # 4 layers of 7 matrices, the embedding and the output; 2 norms per layer and the output norm.
        $model.TensorTypes | Should -Be 'Q4_0 x30, F32 x9'
        Invoke-LlamaPrompt 'hello' -Model $model -MaxTokens 2 -Temperature 0 | Should -BeOfType string
    }

    It 'writes the same bytes for the same seed and other bytes for another' {
        $same = New-LlamaSyntheticModel -Path (Join-Path $TestDrive 'same.gguf') -Shape Tiny -Type Q4_0 -Seed 3
        $other = New-LlamaSyntheticModel -Path (Join-Path $TestDrive 'other.gguf') -Shape Tiny -Type Q4_0 -Seed 4
        (Get-FileHash $same).Hash | Should -Be (Get-FileHash $path).Hash
        (Get-FileHash $other).Hash | Should -Not -Be (Get-FileHash $path).Hash
    }

    It 'refuses to replace a file without -Force' {
        $existing = Join-Path $TestDrive 'existing.gguf'
        Set-Content -LiteralPath $existing -Value 'not a model'
        { New-LlamaSyntheticModel -Path $existing -Shape Tiny } | Should -Throw -ErrorId "FileExists,$command"
        Get-Content -LiteralPath $existing | Should -Be 'not a model'
        (New-LlamaSyntheticModel -Path $existing -Shape Tiny -Force).Length | Should -Be $file.Length
    }

    It 'reports an unknown shape with UnknownModelShape' {
        { New-LlamaSyntheticModel -Path (Join-Path $TestDrive 'x.gguf') -Shape Llama-9-400B } | Should -Throw -ErrorId "UnknownModelShape,$command"
    }

    It 'reports an unknown type with UnsupportedWeightType' {
        { New-LlamaSyntheticModel -Path (Join-Path $TestDrive 'x.gguf') -Shape Tiny -Type Q9_9 } | Should -Throw -ErrorId "UnsupportedWeightType,$command"
        Join-Path $TestDrive 'x.gguf' | Should -Not -Exist
    }
}
