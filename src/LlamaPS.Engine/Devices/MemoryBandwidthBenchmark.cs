using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using LlamaPS.Engine.Memory;

namespace LlamaPS.Engine.Devices;

/// <summary>
/// Measures sustained memory read bandwidth: every core streams through its own slice of a buffer far larger
/// than any cache, which is the access pattern of token generation (each weight read once per token).
/// </summary>
public static class MemoryBandwidthBenchmark
{
    /// <summary>Large enough to defeat the last-level cache of current server parts (hundreds of MiB of L3).</summary>
    public const long DefaultBufferBytes = 1L << 30;

    public const int DefaultRuns = 5;

    // Cancellation is checked between blocks, so Ctrl+C stops a run within a few milliseconds.
    private const long BlockBytes = 16L << 20;

    /// <summary>Best of <paramref name="runs"/> timed passes, in GB/s (10^9 bytes per second).</summary>
    public static unsafe double Measure(CancellationToken cancellationToken, long bufferBytes = DefaultBufferBytes, int runs = DefaultRuns, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, BlockBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        if (threads <= 0) threads = Environment.ProcessorCount;

        long blocks = bufferBytes / BlockBytes;
        long usedBytes = blocks * BlockBytes;
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)usedBytes, (nuint)HugePages.Alignment);
        try
        {
            // In 2 MiB pages where the system gives them, as the model loader maps the weights: with 4 KiB pages the
            // stream stalls at every page, and this would measure less than a token's weights are read at.
            HugePages.Advise(buffer, usedBytes);
            // Untouched pages all map to the kernel's shared zero page, which would measure the cache instead of DRAM.
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
            Parallel.For(0L, blocks, options, b => new Span<byte>(buffer + b * BlockBytes, (int)BlockBytes).Fill((byte)(b | 1)));

            ReadPass(buffer, blocks, threads, cancellationToken); // warm-up: thread pool spin-up and TLB population
            double best = 0;
            for (int run = 0; run < runs; run++)
            {
                long start = Stopwatch.GetTimestamp();
                ReadPass(buffer, blocks, threads, cancellationToken);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, usedBytes / seconds / 1e9);
            }
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static unsafe void ReadPass(byte* buffer, long blocks, int threads, CancellationToken cancellationToken)
    {
        // One contiguous range of blocks per thread keeps each core's hardware prefetcher on a single stream.
        // Publishing each thread's sum to a shared field keeps the JIT from dropping the loads as dead code.
        long checksum = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken };
        Parallel.For(0, threads, options, t =>
        {
            long first = blocks * t / threads;
            long last = blocks * (t + 1) / threads;
            Vector<ulong> sum = Vector<ulong>.Zero;
            for (long b = first; b < last; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sum += SumBlock((Vector<ulong>*)(buffer + b * BlockBytes), BlockBytes / sizeof(Vector<ulong>));
            }
            Interlocked.Add(ref checksum, (long)Vector.Sum(sum));
        });
    }

    private static unsafe Vector<ulong> SumBlock(Vector<ulong>* p, long count)
    {
        // Four independent accumulators keep enough loads in flight to saturate the memory controller.
        Vector<ulong> a = Vector<ulong>.Zero, b = Vector<ulong>.Zero, c = Vector<ulong>.Zero, d = Vector<ulong>.Zero;
        for (long i = 0; i < count; i += 4)
        {
            a += p[i];
            b += p[i + 1];
            c += p[i + 2];
            d += p[i + 3];
        }
        return a + b + c + d;
    }
}
