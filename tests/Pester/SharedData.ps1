# Finds the project's shared test data (../shared beside the checkout, or $env:LLAMAPS_SHARED) and reads its golden
# files. Test files that need it dot-source this script twice, as Pester 5 keeps discovery and run apart:
#   BeforeDiscovery { . $PSScriptRoot/SharedData.ps1; $noSharedData = -not (Test-SharedData) }  # then -Skip:$noSharedData
#   BeforeAll { . $PSScriptRoot/SharedData.ps1 }                                                  # then Get-SharedDataPath
# Without the data, Test-SharedData throws under CI=true (the file fails with the message) and otherwise prints the
# reason and returns $false, so the tests are skipped visibly.

$SharedDataCandidates = @($env:LLAMAPS_SHARED, (Join-Path $PSScriptRoot '../../../shared')) | Where-Object { $_ }

function Get-SharedDataRoot {
    foreach ($candidate in $SharedDataCandidates) {
        if (Test-Path -LiteralPath $candidate -PathType Container) { return (Resolve-Path -LiteralPath $candidate).ProviderPath }
    }
}

function Test-SharedData {
    if (Get-SharedDataRoot) { return $true }
    $message = "The project's shared test data was not found at $($SharedDataCandidates -join ' or '); put it in ../shared beside the checkout or set LLAMAPS_SHARED."
    if ($env:CI -eq 'true') { throw $message }
    Write-Host "Skipping tests that need shared data: $message" -ForegroundColor Yellow
    $false
}

# A file under the shared data folder, e.g. Get-SharedDataPath models/stories260K.gguf.
function Get-SharedDataPath([Parameter(Mandatory)] [string] $RelativePath) {
    Join-Path ([string](Get-SharedDataRoot)) $RelativePath
}

# golden/<Name>.bin: int32 vocab, int32 nPrompt, int32 nGen, int32 promptIds[nPrompt], int32 genIds[nGen], logits.
function Read-GoldenIds([Parameter(Mandatory)] [string] $Name) {
    $reader = [IO.BinaryReader]::new([IO.File]::OpenRead((Get-SharedDataPath "golden/$Name.bin")))
    try {
        $null = $reader.ReadInt32()
        $promptCount = $reader.ReadInt32()
        $generatedCount = $reader.ReadInt32()
        [pscustomobject]@{
            Prompt    = [int[]]@(for ($i = 0; $i -lt $promptCount; $i++) { $reader.ReadInt32() })
            Generated = [int[]]@(for ($i = 0; $i -lt $generatedCount; $i++) { $reader.ReadInt32() })
        }
    }
    finally {
        $reader.Dispose()
    }
}

# The text llama.cpp generated greedily: the third column of golden/<Name>.tsv joined, with \n and \t unescaped.
function Get-GoldenText([Parameter(Mandatory)] [string] $Name) {
    $pieces = Get-Content -LiteralPath (Get-SharedDataPath "golden/$Name.tsv") | ForEach-Object { ($_ -split "`t", 3)[2] }
    ($pieces -join '') -replace '\\n', "`n" -replace '\\t', "`t"
}

# llama.cpp's tokenizer vectors for tokenizer/ggml-vocab-<Vocab>.gguf: one object per case with Text and Ids (no BOS).
function Read-TokenizerVectors([Parameter(Mandatory)] [string] $Vocab) {
    $base = Get-SharedDataPath "tokenizer/ggml-vocab-$Vocab.gguf"
    # The newline before each separator belongs to the separator; the file ends with one.
    $texts = [IO.File]::ReadAllText("$base.inp") -split "`n__ggml_vocab_test__`n"
    $ids = [IO.File]::ReadAllLines("$base.out")
    for ($i = 0; $i -lt $ids.Count; $i++) {
        [pscustomobject]@{
            Text = $texts[$i]
            Ids  = [int[]]@($ids[$i] -split ' ' | Where-Object { $_ } | ForEach-Object { [int]$_ })
        }
    }
}
