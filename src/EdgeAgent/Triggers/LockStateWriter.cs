namespace EdgeAgent.Triggers;

/// <summary>
/// Writes lock-state snapshots off the GPIO callback thread: an fsync can take tens of milliseconds on an SD card,
/// and edges must not wait for it. Snapshots coalesce (the newest wins) and are written in order, one at a time.
/// If the agent dies before a write lands, start-up reconciliation reports the change again, flagged as such.
/// The writer thread never reads the clock: the caller stamps each snapshot when it takes it.
/// </summary>
internal sealed class LockStateWriter(LockStateStore store)
{
    private readonly object gate = new();
    private (Dictionary<string, bool> Inputs, DateTimeOffset TakenAt)? pending;
    private bool active;
    private Task running = Task.CompletedTask;

    public void Request(Dictionary<string, bool> snapshot, DateTimeOffset takenAt)
    {
        lock (gate)
        {
            pending = (snapshot, takenAt);
            if (active)
            {
                return;
            }

            active = true;
            running = Task.Run(Drain);
        }
    }

    /// <summary>Blocks until every requested snapshot is on disk (shutdown, tests).</summary>
    public void Flush()
    {
        while (true)
        {
            Task current;
            lock (gate)
            {
                if (!active)
                {
                    return;
                }

                current = running;
            }

            current.Wait();
        }
    }

    private void Drain()
    {
        while (true)
        {
            (Dictionary<string, bool> Inputs, DateTimeOffset TakenAt) next;
            lock (gate)
            {
                if (pending is null)
                {
                    active = false;
                    return;
                }

                next = pending.Value;
                pending = null;
            }

            store.Save(next.Inputs, next.TakenAt); // logs and carries on if the disk refuses
        }
    }
}
