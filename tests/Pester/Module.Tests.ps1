BeforeAll {
    $manifest = Join-Path $PSScriptRoot '../../LlamaPS.psd1'
    Import-Module $manifest -Force
}

Describe 'LlamaPS module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $manifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports every cmdlet the assembly defines' {
        # CmdletsToExport is an explicit list; a cmdlet class missing from it would be silently unreachable.
        $assembly = [LlamaPS.Commands.GetLlamaDeviceCommand].Assembly
        $defined = $assembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        $exported = (Get-Module LlamaPS).ExportedCmdlets.Keys
        $defined | Where-Object { $_ -notin $exported } | Should -BeNullOrEmpty
    }
}
