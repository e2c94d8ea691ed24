using System.Diagnostics;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// A real <c>edgeagent collect</c> process. Knows when it is subscribed (its ready line) and counts the
/// records it logs as stored (event 7002), so tests await output instead of sleeping. SIGKILLed on dispose.
/// </summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> log = [];
    private int stored;
    private int disposed;

    private CollectorProcess(Process process) => this.process = process;

    /// <summary>Raised (on a reader thread) with the running count each time the process stores a record.</summary>
    public event Action<int>? Stored;

    public int StoredCount => Volatile.Read(ref stored);

    public int Pid => process.Id;

    /// <summary>The store root's <c>.collector-health.json</c> is not awaited here; this is the process's own peak: VmHWM from /proc, in bytes.</summary>
    public long PeakRssBytes => ProcStatus("VmHWM:");

    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    public long RssBytes => ProcStatus("VmRSS:");

    /// <summary>Completes when the process has logged <paramref name="count"/> stores in all.</summary>
    public Task WaitForStoredAsync(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStored(int n)
        {
            if (n >= count)
            {
                done.TrySetResult();
            }
        }

        Stored += OnStored;
        OnStored(StoredCount);
        return done.Task.WaitAsync(timeout).ContinueWith(
            t =>
            {
                Stored -= OnStored;
                if (t.IsFaulted)
                {
                    throw new TimeoutException($"collector stored {StoredCount} of {count} within {timeout.TotalSeconds} s:\n" + Log[^Math.Min(Log.Length, 4000)..]);
                }
            },
            TaskScheduler.Default);
    }

    private long ProcStatus(string field)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public string Log
    {
        get
        {
            lock (log)
            {
                return string.Join('\n', log);
            }
        }
    }

    public static async Task<CollectorProcess> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgeagent.dll"));
        info.ArgumentList.Add("collect");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var collector = new CollectorProcess(Process.Start(info) ?? throw new InvalidOperationException("edgeagent collect did not start"));
        collector.process.OutputDataReceived += (_, e) => collector.OnLine(e.Data);
        collector.process.ErrorDataReceived += (_, e) => collector.OnLine(e.Data);
        collector.process.BeginOutputReadLine();
        collector.process.BeginErrorReadLine();
        collector.process.EnableRaisingEvents = true;
        collector.process.Exited += (_, _) => collector.ready.TrySetException(new InvalidOperationException("edgeagent collect exited:\n" + collector.Log));
        await collector.ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return collector;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Add(line);
        }

        if (line.StartsWith("collecting from", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
        else if (line.Contains("[7002]", StringComparison.Ordinal))
        {
            Stored?.Invoke(Interlocked.Increment(ref stored));
        }
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> or Ctrl+C does; returns the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => Infrastructure.Signals.TerminateAsync(process, timeout);

    /// <summary>SIGKILL (as a crash would), once; later calls do nothing.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
