using LlamaPS.Engine.Cpu;
using LlamaPS.Engine.Inference;
using LlamaPS.Engine.Models;
using LlamaPS.Engine.Tests.Models;

namespace LlamaPS.Engine.Tests.Inference;

/// <summary>How <see cref="LlamaModel.Load"/> places a model given a device and -GpuLayers, with a device that records what it was asked.</summary>
public class DevicePlacementTests(TinySyntheticModel tiny) : IClassFixture<TinySyntheticModel>
{
    private const int Blocks = 4; // SyntheticModelShape.Tiny

    /// <summary>
    /// A device whose whole-model backend is the CPU engine's, so a model "on" it really runs; it can be told to
    /// refuse the architecture and how many trailing layers fit. Its offload backend only records which blocks it got.
    /// </summary>
    private sealed class RecordingDevice(string? refusal = null, int fits = Blocks) : IModelDevice
    {
        public string Kind => "Test";
        public string Name => "recording device";
        public int BackendsCreated { get; private set; }
        public int? LayersOffloaded { get; private set; }
        public int? ContextLengthAsked { get; private set; }

        public string? CannotRun(GgufModel model) => refusal;

        public int LayersThatFit(GgufModel model, int contextLength)
        {
            ContextLengthAsked = contextLength;
            return fits;
        }

        public IInferenceBackend CreateBackend(GgufModel model)
        {
            BackendsCreated++;
            return new CpuBackend(model, 1);
        }

        public IOffloadBackend CreateOffload(GgufModel model, int layers)
        {
            LayersOffloaded = layers;
            return new RecordedOffload(model.Config.BlockCount - layers);
        }
    }

    private sealed class RecordedOffload(int firstLayer) : IOffloadBackend
    {
        public string Description => "recorded offload";
        public int FirstLayer => firstLayer;
        public IOffloadContext CreateContext(int contextLength) => throw new NotSupportedException("The recording device runs no blocks.");
        public void Dispose() { }
    }

    [Fact]
    public void AllLayersThatFitGoToAUsableDevice()
    {
        var device = new RecordingDevice();
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, ContextLength = 64 });
        Assert.Equal(Blocks, model.Gguf.Config.BlockCount);
        Assert.Equal(1, device.BackendsCreated);
        Assert.Null(device.LayersOffloaded);
        Assert.Equal(64, device.ContextLengthAsked);
        Assert.Equal($"all {Blocks} layers on Test recording device", model.Placement);
    }

    [Fact]
    public void WhenOnlySomeLayersFitTheLastOnesGoToTheDeviceAndTheRestStayOnTheCpu()
    {
        var device = new RecordingDevice(fits: 3);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, ContextLength = 64 });
        Assert.Equal(0, device.BackendsCreated);
        Assert.Equal(3, device.LayersOffloaded);
        Assert.Equal(64, device.ContextLengthAsked);
        var hybrid = Assert.IsType<HybridBackend>(model.Backend);
        Assert.Equal(1, hybrid.CpuLayers);
        Assert.Equal($"last 3 of {Blocks} layers on Test recording device, 1 on the CPU", model.Placement);
        Assert.EndsWith(" + recorded offload", model.Device);
    }

    [Fact]
    public void WhenNoLayerFitsTheModelRunsOnTheCpuAndSaysWhy()
    {
        var device = new RecordingDevice(fits: 0);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, ContextLength = 64 });
        Assert.Equal(0, device.BackendsCreated);
        Assert.Null(device.LayersOffloaded);
        Assert.IsType<CpuBackend>(model.Backend);
        Assert.Equal("all layers on the CPU: not even one layer fits in the memory of recording device with a KV cache of 64 positions", model.Placement);
    }

    [Fact]
    public void AModelTheDeviceCannotRunStaysOnTheCpuAndSaysWhy()
    {
        var device = new RecordingDevice("no q/k norms");
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device });
        Assert.Equal(0, device.BackendsCreated);
        Assert.Null(device.LayersOffloaded);
        Assert.Null(device.ContextLengthAsked);
        Assert.IsType<CpuBackend>(model.Backend);
        Assert.Contains("no q/k norms", model.Placement);
    }

    [Fact]
    public void ZeroGpuLayersKeepsTheModelOnTheCpu()
    {
        var device = new RecordingDevice();
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 0 });
        Assert.Equal(0, device.BackendsCreated);
        Assert.Null(device.LayersOffloaded);
        Assert.Equal("all layers on the CPU", model.Placement);
    }

    [Fact]
    public void AskingForEveryLayerOffloadsEvenWhenTheDeviceWouldRefuse()
    {
        // An explicit layer count is an order: the device's own backend then says what it cannot do.
        var device = new RecordingDevice("too little memory", fits: 0);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 1000 });
        Assert.Equal(1, device.BackendsCreated);
        Assert.Null(device.ContextLengthAsked);
    }

    [Fact]
    public void AnExplicitLayerCountOffloadsThatManyTrailingLayersWithoutAskingWhatFits()
    {
        var device = new RecordingDevice(fits: 0);
        using var model = LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = 1 });
        Assert.Equal(1, device.LayersOffloaded);
        Assert.Null(device.ContextLengthAsked);
        Assert.Equal(3, Assert.IsType<HybridBackend>(model.Backend).CpuLayers);
        Assert.Equal($"last 1 of {Blocks} layers on Test recording device, 3 on the CPU", model.Placement);
    }

    [Fact]
    public void ALayerCountBelowAllLayersThatFitIsRefused()
    {
        var device = new RecordingDevice();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LlamaModel.Load(tiny.Path, new ModelLoadOptions { Device = device, GpuLayers = -2 }));
        Assert.Contains("GpuLayers", e.Message);
        Assert.Equal(0, device.BackendsCreated);
    }
}
