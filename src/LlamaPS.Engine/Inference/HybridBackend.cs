using LlamaPS.Engine.Cpu;

namespace LlamaPS.Engine.Inference;

/// <summary>
/// A model split between the CPU engine and a device, as llama.cpp's -ngl splits it: the token embedding and the
/// first blocks on the CPU, the last blocks, the output norm and projection on the device. Owns both halves.
/// </summary>
public sealed class HybridBackend : IInferenceBackend
{
    private readonly CpuBackend _cpu;
    private readonly IOffloadBackend _device;

    /// <param name="cpu">The embedding and blocks 0..k-1.</param>
    /// <param name="device">Blocks k.. and the output, k being the CPU's block count.</param>
    public HybridBackend(CpuBackend cpu, IOffloadBackend device)
    {
        if (device.FirstLayer != cpu.Layers.Count)
            throw new ArgumentException($"The device's blocks start at {device.FirstLayer}, but the CPU runs {cpu.Layers.Count}.", nameof(device));
        _cpu = cpu;
        _device = device;
    }

    /// <summary>Blocks the CPU runs, the first ones.</summary>
    public int CpuLayers => _cpu.Layers.Count;

    public string Description => $"{_cpu.Description} + {_device.Description}";

    public IInferenceContext CreateContext(int contextLength)
    {
        var cpu = new CpuContext(_cpu, contextLength);
        try
        {
            return new HybridContext(cpu, _device.CreateContext(contextLength));
        }
        catch
        {
            cpu.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _device.Dispose();
        _cpu.Dispose();
    }
}
