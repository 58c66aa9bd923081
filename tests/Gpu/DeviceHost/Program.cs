using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Runs the script file args[0] in a fresh runspace and prints everything it outputs, formatted as pwsh would, with
// its verbose, warning and error records; the exit code is 1 when it wrote an error or threw.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: LlamaPS.DeviceHost SCRIPT.ps1");
    return 2;
}
var state = InitialSessionState.CreateDefault();
using var ps = PowerShell.Create(state);
ps.Streams.Verbose.DataAdded += (_, e) => Console.WriteLine($"VERBOSE: {ps.Streams.Verbose[e.Index].Message}");
ps.Streams.Warning.DataAdded += (_, e) => Console.WriteLine($"WARNING: {ps.Streams.Warning[e.Index].Message}");
ps.Streams.Error.DataAdded += (_, e) => Console.WriteLine($"ERROR: {ps.Streams.Error[e.Index]} ({ps.Streams.Error[e.Index].FullyQualifiedErrorId})");
ps.AddScript(File.ReadAllText(args[0])).AddCommand("Out-String").AddParameter("Stream").AddParameter("Width", 200);
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]);
try
{
    ps.Invoke(null, output);
}
catch (RuntimeException e)
{
    Console.WriteLine($"ERROR: {e.Message}");
    return 1;
}
return ps.HadErrors ? 1 : 0;
