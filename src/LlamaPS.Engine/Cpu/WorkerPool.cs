namespace LlamaPS.Engine.Cpu;

/// <summary>
/// A persistent pool of worker threads, sized once, that splits each operator's work into tasks. The calling thread
/// works too. Threads are created once per pool, never per token: a generation step issues dozens of operators,
/// and each dispatch must cost microseconds.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private Action<int>? _body;
    private int _taskCount;
    private int _nextTask;
    private int _pending;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int threadCount)
    {
        ThreadCount = Math.Max(1, threadCount);
        _threads = new Thread[ThreadCount - 1];
        _start = new SemaphoreSlim[ThreadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            int index = i;
            _threads[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"LlamaPS worker {i + 1}" };
            _threads[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>Runs body(0..taskCount-1) across the pool and returns when all are done; rethrows the first failure.</summary>
    public void Run(int taskCount, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (taskCount <= 0) return;
        if (taskCount == 1 || _threads.Length == 0)
        {
            for (int i = 0; i < taskCount; i++) body(i);
            return;
        }
        lock (_done)
        {
            _body = body;
            _taskCount = taskCount;
            _nextTask = 0;
            _error = null;
            int helpers = Math.Min(_threads.Length, taskCount - 1);
            _pending = helpers;
            _done.Reset();
            for (int i = 0; i < helpers; i++) _start[i].Release();
            Work();
            if (helpers > 0) _done.Wait();
            _body = null;
            if (_error is { } e) throw new AggregateException(e).Flatten().InnerException!;
        }
    }

    /// <summary>Splits [0, count) into about one range per thread times <paramref name="perThread"/>.</summary>
    public int TaskCountFor(int count, int perThread = 4) => Math.Max(1, Math.Min(count, ThreadCount * perThread));

    private void WorkerLoop(int index)
    {
        while (true)
        {
            _start[index].Wait();
            if (_disposed) return;
            Work();
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    private void Work()
    {
        Action<int> body = _body!;
        int i;
        while ((i = Interlocked.Increment(ref _nextTask) - 1) < _taskCount)
        {
            try { body(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
