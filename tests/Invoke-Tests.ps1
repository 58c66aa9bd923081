#Requires -Version 7.4
<#
.SYNOPSIS
Builds the solution in Release and runs every test: xunit through `dotnet test`, then Pester in a fresh pwsh.

.DESCRIPTION
Both suites always run, so one failing suite never hides the other's results. The last line of output is
"Tests: <N> passed, <N> failed, <N> skipped"; the exit code is non-zero when the build or any test fails.
Pester comes from NuGet (tests/Pester/LlamaPS.Pester.csproj downloads it on restore), not the PowerShell Gallery.
#>
[CmdletBinding()]
param(
    # Internal: set when this script re-invokes itself in a child pwsh to run Pester.
    [string] $PesterResultFile
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
$root = Split-Path $PSScriptRoot -Parent

if ($PesterResultFile) {
    # Child process: import Pester from the NuGet cache, run the Pester suite, hand the counts back as JSON.
    $assets = Get-Content (Join-Path $root 'tests/Pester/obj/project.assets.json') -Raw | ConvertFrom-Json -AsHashtable
    $packages = @($assets.packageFolders.Keys)[0]
    $download = $assets.project.frameworks.Values.downloadDependencies | Where-Object name -EQ 'Pester'
    $version = ($download.version -replace '^\[([^,\]]+).*$', '$1')
    Import-Module (Join-Path $packages "pester/$version/tools/Pester.psd1") -Force

    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/Pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.Output.RenderMode = 'Plaintext'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $root 'TestResults/pester.xml'
    $result = Invoke-Pester -Configuration $config
    @{
        Passed  = $result.PassedCount
        # Failed blocks (BeforeAll) and containers (a file that does not parse) hide tests; they count as failures.
        Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        Skipped = $result.SkippedCount + $result.InconclusiveCount
    } | ConvertTo-Json | Set-Content $PesterResultFile
    exit 0
}

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
Set-Location $root
$results = Join-Path $root 'TestResults'
Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
$null = New-Item $results -ItemType Directory

function Write-Summary([int] $Passed, [int] $Failed, [int] $Skipped) {
    Write-Host "Tests: $Passed passed, $Failed failed, $Skipped skipped"
}

Write-Host '== dotnet build (Release)'
dotnet build LlamaPS.sln -c Release
if ($LASTEXITCODE -ne 0) {
    Write-Host 'BUILD FAILED: no test was run.'
    Write-Summary 0 0 0
    exit 1
}

$passed = 0; $failed = 0; $skipped = 0; $suiteErrors = @()

Write-Host '== xunit (dotnet test)'
$xunitResults = Join-Path $results 'xunit'
dotnet test LlamaPS.sln -c Release --no-build --results-directory $xunitResults --logger trx --logger 'console;verbosity=normal'
$xunitExit = $LASTEXITCODE
$trxFiles = @(Get-ChildItem $xunitResults -Filter '*.trx' -ErrorAction SilentlyContinue)
foreach ($trx in $trxFiles) {
    try {
        $counters = ([xml][IO.File]::ReadAllText($trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        # xunit v3 reports a skipped test as counted in total but not executed, with notExecuted left at 0.
        $skipped += [Math]::Max([int]$counters.notExecuted, [int]$counters.total - [int]$counters.executed)
    }
    catch {
        # An unreadable result file must not stop the Pester suite from running.
        $suiteErrors += "cannot read $($trx.Name): $_"
    }
}
# A crash before any result was written shows only in the exit code.
if ($xunitExit -ne 0 -and $failed -eq 0) { $suiteErrors += "dotnet test exited with $xunitExit" }
if ($trxFiles.Count -eq 0) { $suiteErrors += 'dotnet test wrote no results' }

Write-Host '== Pester'
# A separate pwsh imports the module freshly built above, never a copy loaded earlier in this session.
$pesterCounts = Join-Path $results 'pester-counts.json'
dotnet pwsh -NoProfile -NonInteractive -File $PSCommandPath -PesterResultFile $pesterCounts
if (Test-Path $pesterCounts) {
    $counts = Get-Content $pesterCounts -Raw | ConvertFrom-Json
    $passed += $counts.Passed; $failed += $counts.Failed; $skipped += $counts.Skipped
}
else {
    $suiteErrors += "Pester did not finish (exit code $LASTEXITCODE)"
}

foreach ($e in $suiteErrors) { Write-Host "ERROR: $e" }
Write-Summary $passed $failed $skipped
exit ([int]($failed -gt 0 -or $suiteErrors.Count -gt 0))
