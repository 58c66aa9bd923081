# Module manifest for LlamaPS. The binaries are built into bin/ (see src/LlamaPS/LlamaPS.csproj), so this
# manifest imports straight from a checkout after `dotnet build`; format files are read where they live in module/.
@{
    # Nested rather than root module: Get-Help then also searches the dll's folder (bin/en-US) for LlamaPS.dll-Help.xml.
    NestedModules        = @('bin/LlamaPS.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '77321bc6-d432-4cc4-87fa-305db87b1c10'
    Author               = 'LlamaPS contributors'
    Copyright            = '(c) LlamaPS contributors'
    Description          = 'Runs GGUF language models in-process from PowerShell.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('module/LlamaPS.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-LlamaDevice'
        'Import-LlamaModel'
        'Get-LlamaModel'
        'Remove-LlamaModel'
        'Invoke-LlamaPrompt'
        'Get-LlamaEmbedding'
        'ConvertTo-LlamaToken'
        'ConvertFrom-LlamaToken'
        'ConvertTo-LlamaChatPrompt'
        'Measure-LlamaModel'
        'New-LlamaSyntheticModel'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('LLM', 'GGUF', 'llama', 'inference')
        }
    }
}
