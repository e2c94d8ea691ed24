namespace EdgeAgent.Capture;

/// <summary>
/// The frames of one point that are already evidence in its current job, and the edge of the point's previous
/// photographed trigger. A frame (camera, sequence) is evidence for at most one record of a job, and a
/// pre-trigger photo must be produced after the previous trigger's edge, so no photo ever shows up twice.
/// Thread-safe: the cameras of a point capture at once, and a late photo may be taken while the next trigger is.
/// </summary>
public sealed class FrameLedger
{
    private readonly Lock gate = new();
    private readonly HashSet<(string CameraId, long Sequence)> claimed = [];
    private string? workOrderId;
    private DateTimeOffset? previousEdge;

    /// <summary>Starts the bookkeeping of a trigger of <paramref name="job"/> at <paramref name="edge"/>; returns the previous trigger's edge (null for the point's first).</summary>
    public DateTimeOffset? Begin(string job, DateTimeOffset edge)
    {
        lock (gate)
        {
            if (!string.Equals(workOrderId, job, StringComparison.Ordinal))
            {
                workOrderId = job;
                claimed.Clear();
            }

            var before = previousEdge;
            previousEdge = previousEdge is { } p && p > edge ? p : edge;
            return before;
        }
    }

    /// <summary>Claims a frame for one record; false when another record of the job already shows it.</summary>
    public bool TryClaim(string cameraId, long sequence)
    {
        lock (gate)
        {
            return claimed.Add((cameraId, sequence));
        }
    }

    public bool IsClaimed(string cameraId, long sequence)
    {
        lock (gate)
        {
            return claimed.Contains((cameraId, sequence));
        }
    }
}
