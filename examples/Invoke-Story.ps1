<#
.SYNOPSIS
    Tells a story: the README's main job. Pipes examples/story.txt into Invoke-LlamaPrompt with stories260K, the
    tiny trained llama in ../shared/models, and streams the continuation to the console as it is generated.
#>
param(
    [string] $Model = (Join-Path $PSScriptRoot '../../shared/models/stories260K.gguf'),
    [int] $MaxTokens = 200,
    [double] $Temperature = 0
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../LlamaPS.psd1')

$story = Join-Path $PSScriptRoot 'story.txt'
Get-Content $story | Write-Host -ForegroundColor Cyan
Get-Content $story |
    Invoke-LlamaPrompt -Model $Model -MaxTokens $MaxTokens -Temperature $Temperature -Stream -Verbose |
    ForEach-Object { Write-Host $_ -NoNewline }
Write-Host
