# Runs on the device machine through LlamaPS.DeviceHost (see Invoke-DeviceTests.sh cpu-bench), once per SIMD path
# (LLAMAPS_SIMD is read once per process): llama-bench's tests on the CPU engine for TinyLlama-shaped synthetic
# models, so that the AVX-VNNI kernels, which this project's own machine cannot run, are timed against AVX2's.
param([int] $Threads = 2, [int] $PromptTokens = 128, [int] $GenerateTokens = 32)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $env:LLAMAPS_MODULE 'LlamaPS.psd1')
$types = $env:LLAMAPS_BENCH_TYPES -split ','
foreach ($type in $types) {
    $path = "/tmp/tinyllama-$type.gguf"
    if (-not (Test-Path $path)) { New-LlamaSyntheticModel -Path $path -Shape TinyLlama-1.1B -Type $type | Out-Null }
    Measure-LlamaModel -Model $path -Device CPU -Threads $Threads -PromptTokens $PromptTokens -GenerateTokens $GenerateTokens -Repetitions 2 |
        ForEach-Object { '{0,-8} {1,-8} {2,-6} {3,8:N1} t/s +- {4:N1}' -f ($env:LLAMAPS_SIMD ? $env:LLAMAPS_SIMD : 'default'), $type, $_.Test, $_.TokensPerSecond, $_.StdDev }
    Remove-LlamaModel -Path $path -ErrorAction SilentlyContinue
}
