<#
.SYNOPSIS
    Prompt and generation speed of Invoke-LlamaPrompt on the shared models, read from its -Verbose report.
    A warm-up run first (JIT, page faults), then the given number of measured runs per model.
.EXAMPLE
    dotnet pwsh -NoProfile -File examples/Measure-Generation.ps1
#>
param(
    [string[]] $Model = @('stories260K', 'synth-llama-q8_0'),
    [int] $PromptRepeat = 4,
    [int] $MaxTokens = 128,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../LlamaPS.psd1')
$prompt = (Get-Content (Join-Path $PSScriptRoot 'story.txt') -Raw) * $PromptRepeat

foreach ($name in $Model) {
    $path = Join-Path $PSScriptRoot "../../shared/models/$name.gguf"
    foreach ($run in 0..$Runs) {
        $verbose = Invoke-LlamaPrompt -Model $path -Prompt $prompt -MaxTokens $MaxTokens -Temperature 0 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^(Prompt|Generation):' }
        if ($run -eq 0) { continue }   # warm-up
        foreach ($line in $verbose) { '{0,-18} run {1}  {2}' -f $name, $run, $line.Message }
    }
}
