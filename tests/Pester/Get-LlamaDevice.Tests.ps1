BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
}

Describe 'Get-LlamaDevice' {
    BeforeAll {
        $devices = @(Get-LlamaDevice)
        $cpu = $devices[0]
    }

    It 'lists the CPU as device 0' {
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
        @{ Feature = 'AVX512VBMI'; Supported = { [System.Runtime.Intrinsics.X86.Avx512Vbmi]::IsSupported } }
        @{ Feature = 'AVXVNNI'; Supported = { [System.Runtime.Intrinsics.X86.AvxVnni]::IsSupported } }
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
        $known = 'AVX512F', 'AVX512BW', 'AVX512VL', 'AVX512VBMI', 'AVXVNNI', 'AVX2', 'FMA', 'AVX', 'SSE4.2', 'AdvSimd', 'Dp'
        $cpu.Features | Where-Object { $_ -notin $known } | Should -BeNullOrEmpty
    }

    It 'has no benchmark and no benchmark columns without -Benchmark' {
        $cpu.Benchmark | Should -BeNullOrEmpty
        ($cpu | Format-Table | Out-String -Width 250) | Should -Not -Match 'BandwidthGBps'
    }

    It 'lists ILGPU''s CPU accelerator after it, usable, with its warp size' {
        $ilgpu = $devices | Where-Object Kind -EQ 'ILGPU-CPU'
        @($ilgpu).Count | Should -Be 1
        $ilgpu.Index | Should -Be ([array]::IndexOf($devices, $ilgpu))
        $ilgpu.Usable | Should -BeTrue
        $ilgpu.UnusableReason | Should -BeNullOrEmpty
        $ilgpu.WarpSize | Should -Be 32
        $ilgpu.ComputeUnits | Should -BeGreaterThan 0
    }

    It 'numbers the devices in order and gives each unusable one a reason' {
        for ($i = 0; $i -lt $devices.Count; $i++) { $devices[$i].Index | Should -Be $i }
        $devices | Select-Object -Skip 1 | Where-Object { -not $_.Usable } | ForEach-Object { $_.UnusableReason | Should -Not -BeNullOrEmpty }
    }

    It 'shows the CPU and the GPUs in one table' {
        $table = $devices | Format-Table | Out-String -Width 250
        $table | Should -Match 'ILGPU-CPU'
        $table | Should -Match 'warp 32'
    }

    Context '-Benchmark' {
        BeforeAll {
            $all = @(Get-LlamaDevice -Benchmark)
            $measured = $all[0]
            $ilgpuMeasured = $all | Where-Object Kind -EQ 'ILGPU-CPU'
        }

        It 'runs every GPU kernel type on ILGPU''s CPU accelerator' {
            $ilgpuMeasured.PSObject.TypeNames[0] | Should -Be 'LlamaPS.Engine.Gpu.GpuDevice#Benchmark'
            foreach ($type in 'Q4_0', 'Q4_K', 'Q6_K', 'Q8_0', 'F16', 'F32') {
                $ilgpuMeasured.DecodeGBps["$type matvec"] | Should -BeGreaterThan 0
                $ilgpuMeasured.PrefillGflops["$type matmul"] | Should -BeGreaterThan 0
            }
            ($all | Format-Table | Out-String -Width 400) | Should -Match 'Q4_0 matmul='
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
