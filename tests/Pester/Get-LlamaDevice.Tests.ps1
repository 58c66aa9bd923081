BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
}

Describe 'Get-LlamaDevice' {
    BeforeAll {
        $devices = @(Get-LlamaDevice)
        $cpu = $devices[0]
    }

    It 'lists the CPU as device 0' {
        $devices.Count | Should -Be 1
        $cpu.Index | Should -Be 0
        $cpu.Kind | Should -Be 'CPU'
        $cpu.Name | Should -Not -BeNullOrEmpty
    }

    It 'counts the logical cores and the memory' {
        $cpu.Cores | Should -BeGreaterThan 0
        $cpu.Cores | Should -Be ([Environment]::ProcessorCount)
        $cpu.TotalMemoryBytes | Should -BeGreaterThan 0
    }

    It 'reports <Feature> exactly when the runtime supports it' -ForEach @(
        @{ Feature = 'AVX512F'; Supported = { [System.Runtime.Intrinsics.X86.Avx512F]::IsSupported } }
        @{ Feature = 'AVX512BW'; Supported = { [System.Runtime.Intrinsics.X86.Avx512BW]::IsSupported } }
        @{ Feature = 'AVX512VL'; Supported = { [System.Runtime.Intrinsics.X86.Avx512F+VL]::IsSupported } }
        @{ Feature = 'AVX2'; Supported = { [System.Runtime.Intrinsics.X86.Avx2]::IsSupported } }
        @{ Feature = 'FMA'; Supported = { [System.Runtime.Intrinsics.X86.Fma]::IsSupported } }
        @{ Feature = 'AVX'; Supported = { [System.Runtime.Intrinsics.X86.Avx]::IsSupported } }
        @{ Feature = 'SSE4.2'; Supported = { [System.Runtime.Intrinsics.X86.Sse42]::IsSupported } }
        @{ Feature = 'AdvSimd'; Supported = { [System.Runtime.Intrinsics.Arm.AdvSimd]::IsSupported } }
        @{ Feature = 'Dp'; Supported = { [System.Runtime.Intrinsics.Arm.Dp]::IsSupported } }
    ) {
        ($Feature -in $cpu.Features) | Should -Be (& $Supported)
    }

    It 'reports no feature outside the known set' {
        $known = 'AVX512F', 'AVX512BW', 'AVX512VL', 'AVX2', 'FMA', 'AVX', 'SSE4.2', 'AdvSimd', 'Dp'
        $cpu.Features | Where-Object { $_ -notin $known } | Should -BeNullOrEmpty
    }

    It 'has no benchmark and no benchmark columns without -Benchmark' {
        $cpu.Benchmark | Should -BeNullOrEmpty
        ($cpu | Format-Table | Out-String -Width 250) | Should -Not -Match 'BandwidthGBps'
    }

    Context '-Benchmark' {
        BeforeAll {
            $measured = Get-LlamaDevice -Benchmark
        }

        It 'measures a positive memory read bandwidth' {
            $measured.Benchmark.BandwidthGBps | Should -BeGreaterThan 0
        }

        It 'shows the bandwidth in the default table view' {
            $measured.PSObject.TypeNames[0] | Should -Be 'LlamaPS.Engine.Devices.CpuDeviceInfo#Benchmark'
            ($measured | Format-Table | Out-String -Width 250) | Should -Match 'BandwidthGBps'
        }

        It 'stops promptly when the pipeline is stopped' {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $PSScriptRoot '../../LlamaPS.psd1')).Invoke()
                $ps.Commands.Clear()
                $null = $ps.AddCommand('Get-LlamaDevice').AddParameter('Benchmark')
                $async = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 50
                if ($async.IsCompleted) {
                    Set-ItResult -Inconclusive -Because 'the benchmark finished before it could be stopped'
                    return
                }
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            }
            finally {
                $ps.Dispose()
            }
        }
    }
}
