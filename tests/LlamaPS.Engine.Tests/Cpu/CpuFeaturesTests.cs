using LlamaPS.Engine.Cpu;

namespace LlamaPS.Engine.Tests.Cpu;

/// <summary>A CPU backend's description names the path its kernels take, AVX-VNNI included where they take it.</summary>
public class CpuFeaturesTests
{
    [Fact]
    public void DescribesThePathTheKernelsTake()
    {
        Assert.Equal(CpuFeatures.Describe(SimdPaths.Best), CpuFeatures.Describe());
        Assert.Equal("scalar kernels", CpuFeatures.Describe(SimdPath.Scalar));
        Assert.Equal("AVX2 kernels", CpuFeatures.Describe(SimdPath.Avx2));
        Assert.Equal(SimdPaths.IsSupported(SimdPath.AvxVnni) ? "AVX-512 and AVX-VNNI kernels" : "AVX-512 kernels", CpuFeatures.Describe(SimdPath.Avx512));
    }
}
