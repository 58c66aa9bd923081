# Every exported cmdlet must have a docs/ page whose content reaches Get-Help: adding a cmdlet or a parameter
# without documenting it fails here.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $commands = foreach ($command in (Get-Module LlamaPS).ExportedCmdlets.Values) {
        @{
            Name       = $command.Name
            Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $common } | ForEach-Object { @{ Parameter = $_ } })
        }
    }
    $pages = Get-ChildItem (Join-Path $PSScriptRoot '../../docs') -Filter '*.md' |
        Where-Object Name -NotLike 'about_*' |
        ForEach-Object { @{ Page = $_.Name; Command = $_.BaseName } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../LlamaPS.psd1') -Force
    $docs = Join-Path $PSScriptRoot '../../docs'

    # The SYNOPSIS paragraph as the help compiler reads it: lines joined by spaces.
    function Get-PageSynopsis([string] $Path) {
        $lines = Get-Content $Path
        $start = [array]::IndexOf($lines, '## SYNOPSIS') + 1
        $end = $start
        while ($end -lt $lines.Count -and -not $lines[$end].StartsWith('## ')) { $end++ }
        ($lines[$start..($end - 1)] | Where-Object { $_.Trim() } | ForEach-Object Trim) -join ' '
    }
}

Describe '<Name> help' -ForEach $commands {
    BeforeAll {
        $page = Join-Path $docs "$Name.md"
        $help = Get-Help $Name -Full
    }

    It 'has a page in docs/' {
        $page | Should -Exist
    }

    It 'shows the synopsis from its page' {
        $help.Synopsis | Should -Be (Get-PageSynopsis $page)
    }

    It 'has at least one example' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }

    It 'documents -<Parameter>' -ForEach $Parameters {
        $documented = $help.parameters.parameter | Where-Object name -EQ $Parameter
        $documented | Should -Not -BeNullOrEmpty -Because "docs/$Name.md needs a '### -$Parameter' block"
        ($documented.description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'documents only parameters the cmdlet has' {
        $actual = (Get-Command $Name).Parameters.Keys
        $help.parameters.parameter.name | Where-Object { $_ -notin $actual } | Should -BeNullOrEmpty
    }
}

Describe 'docs/<Page>' -ForEach $pages {
    It 'describes an exported cmdlet' {
        (Get-Module LlamaPS).ExportedCmdlets.Keys | Should -Contain $Command
    }
}
