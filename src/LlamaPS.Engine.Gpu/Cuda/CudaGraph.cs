using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace LlamaPS.Engine.Gpu.Cuda;

/// <summary>
/// A recorded sequence of kernel launches on one CUDA stream, replayed by the driver with one call (a CUDA graph).
/// Generating a token takes hundreds of small launches, and ILGPU spends about 10 us of host time on each, more
/// than many of the kernels run: replaying them as a graph takes that time away. Recording captures the launches
/// (and their arguments) that the given action queues on the stream; what must change from one replay to the next
/// has to live in device memory. Through the driver API directly, as ILGPU (1.5) has no graphs.
/// </summary>
internal sealed unsafe class CudaGraph : IDisposable
{
    private const int CaptureModeRelaxed = 2; // other threads may use CUDA while this stream records

    private static readonly Lazy<Api?> Driver = new(Api.Load);
    private nint _graph, _exec;

    private CudaGraph(nint graph, nint exec)
    {
        _graph = graph;
        _exec = exec;
    }

    /// <summary>Records what <paramref name="record"/> queues on <paramref name="stream"/>; null, with the reason, where the driver cannot.</summary>
    public static CudaGraph? TryRecord(CudaStream stream, Action record, out string? failure)
    {
        var api = Driver.Value;
        if (api is null)
        {
            failure = "the CUDA driver library has no graph functions";
            return null;
        }
        int status = api.BeginCapture(stream.StreamPtr, CaptureModeRelaxed);
        if (status != 0)
        {
            failure = $"cuStreamBeginCapture failed ({status})";
            return null;
        }
        nint graph = 0;
        try
        {
            record();
        }
        finally
        {
            status = api.EndCapture(stream.StreamPtr, &graph);
        }
        if (status != 0)
        {
            failure = $"cuStreamEndCapture failed ({status})";
            return null;
        }
        nint exec = 0;
        status = api.Instantiate(&exec, graph, 0);
        if (status != 0)
        {
            api.GraphDestroy(graph);
            failure = $"cuGraphInstantiateWithFlags failed ({status})";
            return null;
        }
        failure = null;
        return new CudaGraph(graph, exec);
    }

    /// <summary>Queues the recorded launches on <paramref name="stream"/>.</summary>
    public void Launch(CudaStream stream)
    {
        int status = Driver.Value!.Launch(_exec, stream.StreamPtr);
        if (status != 0) throw new InvalidOperationException($"cuGraphLaunch failed ({status}).");
    }

    public void Dispose()
    {
        if (_exec != 0) Driver.Value!.ExecDestroy(_exec);
        if (_graph != 0) Driver.Value!.GraphDestroy(_graph);
        _exec = _graph = 0;
    }

    /// <summary>The driver entry points, from the library ILGPU's CUDA backend loads too.</summary>
    private sealed class Api
    {
        public delegate* unmanaged<nint, int, int> BeginCapture;
        public delegate* unmanaged<nint, nint*, int> EndCapture;
        public delegate* unmanaged<nint*, nint, ulong, int> Instantiate;
        public delegate* unmanaged<nint, nint, int> Launch;
        public delegate* unmanaged<nint, int> ExecDestroy;
        public delegate* unmanaged<nint, int> GraphDestroy;

        public static Api? Load()
        {
            string name = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
            if (!NativeLibrary.TryLoad(name, out nint library)) return null;
            nint Get(string symbol) => NativeLibrary.TryGetExport(library, symbol, out nint f) ? f : 0;
            nint begin = Get("cuStreamBeginCapture_v2"), end = Get("cuStreamEndCapture"), instantiate = Get("cuGraphInstantiateWithFlags");
            nint launch = Get("cuGraphLaunch"), execDestroy = Get("cuGraphExecDestroy"), destroy = Get("cuGraphDestroy");
            if (begin == 0 || end == 0 || instantiate == 0 || launch == 0 || execDestroy == 0 || destroy == 0) return null;
            return new Api
            {
                BeginCapture = (delegate* unmanaged<nint, int, int>)begin,
                EndCapture = (delegate* unmanaged<nint, nint*, int>)end,
                Instantiate = (delegate* unmanaged<nint*, nint, ulong, int>)instantiate,
                Launch = (delegate* unmanaged<nint, nint, int>)launch,
                ExecDestroy = (delegate* unmanaged<nint, int>)execDestroy,
                GraphDestroy = (delegate* unmanaged<nint, int>)destroy,
            };
        }
    }
}
