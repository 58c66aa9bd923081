using ILGPU;

namespace LlamaPS.Engine.Gpu.Kernels;

/// <summary>
/// The one way the kernels add up values across a group: in shared memory with barriers, which needs no warp shuffles
/// and so behaves the same for any warp or subgroup size (32 on NVIDIA, 64 on AMD GCN) and on OpenCL devices without
/// subgroup support. Two levels (16 values a thread, then 8) rather than a binary tree: 4 barriers instead of 8, which
/// costs a GPU nothing and makes ILGPU's CPU accelerator, where every barrier is a round of thread switches, usable.
/// Groups are <see cref="Size"/> threads.
/// </summary>
public static class GroupSum
{
    /// <summary>Threads in every group of the reducing kernels.</summary>
    public const int Size = 128;

    /// <summary>The most sets <see cref="Sum"/> adds at once.</summary>
    public const int MaxSets = Size / 8;

    /// <summary>
    /// Adds <paramref name="count"/> sets of values (at most <see cref="MaxSets"/>): thread i has put its value of set
    /// k at shared[k * Size + i]; afterwards set k's total is at shared[k * Size]. Every thread of the group must call it.
    /// </summary>
    public static void Sum(ArrayView<float> shared, int count)
    {
        int tid = Group.IdxX, set = tid / 8, part = tid % 8;
        Group.Barrier();
        float v = 0;
        if (set < count)
            for (int i = 0; i < 16; i++) v += shared[set * Size + part * 16 + i];
        Group.Barrier();
        if (set < count) shared[set * Size + part] = v;
        Group.Barrier();
        if (tid < count)
        {
            float total = 0;
            for (int i = 0; i < 8; i++) total += shared[tid * Size + i];
            shared[tid * Size] = total;
        }
        Group.Barrier();
    }
}
