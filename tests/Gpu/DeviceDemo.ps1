# Runs on the device machine through LlamaPS.DeviceHost (see Invoke-DeviceTests.sh module): the cmdlets on every
# device there. Prints the device list with the reasons a device is unusable, the kernel benchmark, the greedy
# stories260K text from each GPU (and split between CPU and GPU) beside the CPU engine's, and llama-bench's tests through Measure-LlamaModel.
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $env:LLAMAPS_MODULE 'LlamaPS.psd1')
$stories = Join-Path $env:LLAMAPS_SHARED 'models/stories260K.gguf'

'== Get-LlamaDevice'
Get-LlamaDevice | Format-Table -AutoSize
Get-LlamaDevice | Select-Object -Skip 1 | Format-List Index, Kind, Name, Vendor, MemoryBytes, ComputeUnits, WarpSize, Usable, UnusableReason

'== Get-LlamaDevice -Benchmark'
foreach ($d in Get-LlamaDevice -Benchmark) {
    if ($d.Kind -eq 'CPU') { '{0} {1}: {2:N1} GB/s memory; kernels {3}' -f $d.Kind, $d.Name, $d.Benchmark.BandwidthGBps, (($d.Benchmark.KernelGflops.GetEnumerator() | ForEach-Object { '{0} {1:N0}' -f $_.Key, $_.Value }) -join ', ') }
    elseif ($d.DecodeGBps) {
        '{0} {1}: decode GB/s {2}' -f $d.Kind, $d.Name, (($d.DecodeGBps.GetEnumerator() | ForEach-Object { '{0} {1:G3}' -f $_.Key, $_.Value }) -join ', ')
        '{0} {1}: prefill GFLOP/s {2}' -f $d.Kind, $d.Name, (($d.PrefillGflops.GetEnumerator() | ForEach-Object { '{0} {1:G3}' -f $_.Key, $_.Value }) -join ', ')
    }
}

'== Greedy stories260K text on each device'
$cpu = Invoke-LlamaPrompt 'Once upon a time' -Model $stories -Device CPU -MaxTokens 64 -Temperature 0
"CPU: $cpu"
foreach ($kind in 'CUDA', 'OpenCL') {
    $model = Import-LlamaModel -Path $stories -Device $kind -Verbose
    $text = Invoke-LlamaPrompt 'Once upon a time' -Model $model -MaxTokens 64 -Temperature 0
    "${kind}: $text"
    "$kind text equals the CPU engine's: $($text -eq $cpu)"
}
$split = Import-LlamaModel -Path $stories -Device CUDA -GpuLayers 2 -Verbose
"Split ($($split.Placement)) text equals the CPU engine's: $((Invoke-LlamaPrompt 'Once upon a time' -Model $split -MaxTokens 64 -Temperature 0) -eq $cpu)"

'== Measure-LlamaModel on CUDA'
$tiny = '/tmp/tinyllama-q4_0.gguf'
New-LlamaSyntheticModel -Path $tiny -Shape TinyLlama-1.1B -Type Q4_0 | Out-Null
Measure-LlamaModel -Model $tiny -Device CUDA -Repetitions 3 -Verbose | Format-Table -AutoSize
# Half the layers on the GPU, the first half on the CPU's cores.
Measure-LlamaModel -Model $tiny -Device CUDA -GpuLayers 11 -Repetitions 2 -Verbose | Format-Table -AutoSize
