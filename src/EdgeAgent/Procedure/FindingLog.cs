namespace EdgeAgent.Procedure;

/// <summary>
/// Every finding the agent raised since start, newest last, and an event for health and alert publishers.
/// Findings are never hidden: they are also stamped into the next evidence record of their point.
/// </summary>
public sealed class FindingLog
{
    private const int Capacity = 500;
    private readonly Lock gate = new();
    private readonly Queue<Finding> recent = new();
    private long total;

    /// <summary>Raised for every finding, on the thread that found it.</summary>
    public event EventHandler<Finding>? Raised;

    public long Total => Interlocked.Read(ref total);

    public IReadOnlyList<Finding> Recent
    {
        get
        {
            lock (gate)
            {
                return [.. recent];
            }
        }
    }

    /// <summary>Raises <paramref name="finding"/> once; the same finding reported again (it reaches a record later) is ignored.</summary>
    public void Report(Finding finding)
    {
        lock (gate)
        {
            if (recent.Contains(finding))
            {
                return; // already raised: a deferred or timed-out finding stamped into a later record
            }

            recent.Enqueue(finding);
            if (recent.Count > Capacity)
            {
                recent.Dequeue();
            }
        }

        Interlocked.Increment(ref total);
        foreach (var handler in Raised?.GetInvocationList().Cast<EventHandler<Finding>>() ?? [])
        {
            try
            {
                handler(this, finding);
            }
            catch (Exception)
            {
                // A failing health or alert subscriber must never stop evidence from being recorded.
            }
        }
    }
}
