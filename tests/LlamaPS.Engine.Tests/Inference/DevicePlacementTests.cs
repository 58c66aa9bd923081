using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Models;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>How <see cref="LlamaModel.Load"/> places a model given a device and -GpuLayers, with a device that records what it was asked.</summary>
public class DevicePlacementTests(TinySyntheticModel tiny) : IClassFixture<TinySyntheticModel>
{
    /// <summary>A device whose backend is the CPU engine's, so a model "on" it really runs; it can be told to refuse.</summary>
    private sealed class RecordingDevice(string? refusal) : IModelDevice
    {
        public string Kind => "Test";
        public string Name => "recording device";
        public int BackendsCreated { get; private set; }
        public int? ContextLengthAsked { get; private set; }

        public string? CannotRun(GgufModel model, int contextLength)
        {
            ContextLengthAsked = contextLength;
            return refusal;
        }

        public IInferenceBackend CreateBackend(GgufModel model)
        {
            BackendsCreated++;
            return new CpuBackend(model, 1);
        }
    }

    [Fact]
    public void AllLayersThatFitGoToAUsableDevice()
    {
        var device = new RecordingDevice(null);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, ContextLength = 64 });
        Assert.Equal(1, device.BackendsCreated);
        Assert.Equal(64, device.ContextLengthAsked);
        Assert.Equal($"all {model.Gguf.Config.BlockCount} layers on Test recording device", model.Placement);
    }

    [Fact]
    public void AModelTheDeviceCannotTakeRunsOnTheCpuAndSaysWhy()
    {
        var device = new RecordingDevice("too little memory");
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device });
        Assert.Equal(0, device.BackendsCreated);
        Assert.IsType<CpuBackend>(model.Backend);
        Assert.Contains("too little memory", model.Placement);
    }

    [Fact]
    public void ZeroGpuLayersKeepsTheModelOnTheCpu()
    {
        var device = new RecordingDevice(null);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 0 });
        Assert.Equal(0, device.BackendsCreated);
        Assert.Equal("all layers on the CPU", model.Placement);
    }

    [Fact]
    public void AskingForEveryLayerOffloadsEvenWhenTheDeviceWouldRefuse()
    {
        // An explicit layer count is an order: the device's own backend then says what it cannot do.
        var device = new RecordingDevice("too little memory");
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 1000 });
        Assert.Equal(1, device.BackendsCreated);
    }

    [Fact]
    public void PartialOffloadIsRefusedNamingTheCounts()
    {
        var device = new RecordingDevice(null);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 1 }));
        Assert.Contains("1 of", e.Message);
        Assert.Equal(0, device.BackendsCreated);
    }
}
