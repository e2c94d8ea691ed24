using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The index as the collector's serial stage sees it while earlier batches are still being made durable (pipelined
/// group commit, <see cref="EvidenceIntake.SealBatch"/>): rows added since the last durable commit live in memory,
/// and every read answers from them and from the inner index together, so a record of the batch being synced is
/// already "stored" for the next batch (a resend is a duplicate, its successor's chain link is checked against it).
/// Only <see cref="Commit"/> writes to the inner index, one transaction per sealed batch, after the batch's files are
/// durable: the order files, then index row, then acknowledgement holds as without pipelining.
/// </summary>
/// <remarks>
/// Thread-safety: the serial stage reads and adds; one committer at a time commits sealed batches. A row leaves memory
/// only after its transaction committed, and reads look in memory before the inner index, so a row is never missed
/// while it moves.
/// </remarks>
public sealed class PipelinedIndex(IEvidenceIndex inner) : IEvidenceIndex, IGroupCommitIndex
{
    private readonly Lock sync = new();
    private readonly Dictionary<Guid, PendingRow> pending = [];
    private List<PendingRow> open = [];
    private List<(Guid RecordId, string Detail)> openFlags = [];
    private bool batching;

    /// <summary>The durable index underneath.</summary>
    public IEvidenceIndex Inner => inner;

    /// <summary>Rows added and not yet committed (open and sealed batches); for tests and metrics.</summary>
    public int PendingRows
    {
        get
        {
            lock (sync)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>A row waiting for its batch's commit; <see cref="Break"/> is set when its chain break is found before then.</summary>
    internal sealed class PendingRow(EvidenceRecord record, string path, DateTimeOffset storedAt, string? recordHash)
    {
        public EvidenceRecord Record { get; } = record;

        public string Path { get; } = path;

        public DateTimeOffset StoredAt { get; } = storedAt;

        public string? RecordHash { get; } = recordHash;

        public string? Break { get; set; }

        public ChainLink Link => new(Record.RecordId, Path, RecordHash, Record.PrevHash);
    }

    /// <summary>The rows and chain-break flags of one sealed batch, to be committed by <see cref="Commit"/> (or forgotten).</summary>
    public sealed class SealedRows
    {
        internal SealedRows(List<PendingRow> rows, List<(Guid RecordId, string Detail)> flags) => (Rows, Flags) = (rows, flags);

        internal List<PendingRow> Rows { get; }

        internal List<(Guid RecordId, string Detail)> Flags { get; }

        public int Count => Rows.Count;
    }

    public bool Contains(Guid recordId)
    {
        lock (sync)
        {
            if (pending.ContainsKey(recordId))
            {
                return true;
            }
        }

        return inner.Contains(recordId);
    }

    /// <summary>In a batch, adds the row in memory (false when the record is pending or already in the inner index); outside one, to the inner index.</summary>
    public bool TryAdd(EvidenceRecord record, string relativePath, DateTimeOffset storedAt, string? recordHash = null)
    {
        if (Contains(record.RecordId))
        {
            return false;
        }

        if (!batching)
        {
            return inner.TryAdd(record, relativePath, storedAt, recordHash);
        }

        var row = new PendingRow(record, relativePath, storedAt, recordHash);
        lock (sync)
        {
            pending[record.RecordId] = row;
            open.Add(row);
        }

        return true;
    }

    public IReadOnlyList<ChainLink> At(string deviceId, long sequence) => Merge(Pending(deviceId, sequence, sequence), inner.At(deviceId, sequence));

    public ChainNeighbours Neighbours(string deviceId, long sequence)
    {
        var mine = Pending(deviceId, sequence - 1, sequence + 1);
        var theirs = inner.Neighbours(deviceId, sequence);
        return new ChainNeighbours(
            Merge(mine.Where(r => r.Record.Sequence < sequence).ToList(), theirs.Previous),
            Merge(mine.Where(r => r.Record.Sequence == sequence).ToList(), theirs.Here),
            Merge(mine.Where(r => r.Record.Sequence > sequence).ToList(), theirs.Next));
    }

    public long PreviousSequence(string deviceId, long sequence)
    {
        long mine;
        lock (sync)
        {
            mine = pending.Values.Where(r => r.Record.DeviceId == deviceId && r.Record.Sequence < sequence).Select(r => r.Record.Sequence).DefaultIfEmpty(0).Max();
        }

        return Math.Max(mine, inner.PreviousSequence(deviceId, sequence));
    }

    /// <summary>A pending row gets the flag with it; a durable one is flagged in its next batch's transaction.</summary>
    public void FlagChainBreak(Guid recordId, string detail)
    {
        lock (sync)
        {
            if (pending.TryGetValue(recordId, out var row))
            {
                row.Break = detail;
                return;
            }

            if (batching)
            {
                openFlags.Add((recordId, detail));
                return;
            }
        }

        inner.FlagChainBreak(recordId, detail);
    }

    public IReadOnlyList<ChainBreak> ChainBreaks(string deviceId)
    {
        List<ChainBreak> mine;
        lock (sync)
        {
            mine = [.. pending.Values.Where(r => r.Record.DeviceId == deviceId && r.Break is not null).Select(r => new ChainBreak(deviceId, r.Record.Sequence, r.Record.RecordId, r.Break!))];
        }

        return [.. inner.ChainBreaks(deviceId).Where(b => mine.All(m => m.RecordId != b.RecordId)).Concat(mine).OrderBy(b => b.Sequence)];
    }

    /// <summary>From the inner index only: gaps are read at start and by reports, when nothing is pending.</summary>
    public IReadOnlyList<SequenceGap> Gaps(string deviceId) => inner.Gaps(deviceId);

    public IReadOnlyDictionary<string, long> CountByDevice()
    {
        List<string> mine;
        lock (sync)
        {
            mine = [.. pending.Values.Select(r => r.Record.DeviceId)];
        }

        var counts = new Dictionary<string, long>(inner.CountByDevice(), StringComparer.Ordinal);
        foreach (var device in mine)
        {
            counts[device] = counts.GetValueOrDefault(device) + 1;
        }

        return counts;
    }

    /// <summary>From now until <see cref="SealBatch"/>, rows are kept in memory.</summary>
    public void BeginBatch()
    {
        lock (sync)
        {
            batching = true;
        }
    }

    /// <summary>Seals and commits the open batch at once (the serial path, without pipelining).</summary>
    public void CommitBatch() => Commit(SealBatch());

    /// <summary>Forgets the open batch's rows and flags.</summary>
    public void RollbackBatch()
    {
        lock (sync)
        {
            Forget(open);
            open = [];
            openFlags = [];
            batching = false;
        }
    }

    /// <summary>Closes the open batch: what was added since the last seal is committed together by <see cref="Commit"/>; reads still see it.</summary>
    public SealedRows SealBatch()
    {
        lock (sync)
        {
            var sealedRows = new SealedRows(open, openFlags);
            open = [];
            openFlags = [];
            batching = false;
            return sealedRows;
        }
    }

    /// <summary>
    /// One transaction of the inner index for the sealed batch (its files must be durable already); afterwards its rows
    /// leave memory. Returns the records another collector sharing the index had indexed meanwhile (not added by this one).
    /// On failure nothing of the batch is in the inner index, and its rows stay pending until <see cref="Forget(SealedRows)"/>.
    /// </summary>
    public IReadOnlySet<Guid> Commit(SealedRows batch)
    {
        var conflicts = new HashSet<Guid>();
        if (batch.Rows.Count == 0 && batch.Flags.Count == 0)
        {
            return conflicts;
        }

        var group = (IGroupCommitIndex)inner;
        group.BeginBatch();
        try
        {
            foreach (var row in batch.Rows)
            {
                if (!inner.TryAdd(row.Record, row.Path, row.StoredAt, row.RecordHash))
                {
                    conflicts.Add(row.Record.RecordId);
                }
                else if (row.Break is { } detail)
                {
                    inner.FlagChainBreak(row.Record.RecordId, detail);
                }
            }

            foreach (var (recordId, detail) in batch.Flags)
            {
                inner.FlagChainBreak(recordId, detail);
            }

            group.CommitBatch();
        }
        catch
        {
            group.RollbackBatch();
            throw;
        }

        lock (sync)
        {
            Forget(batch.Rows);
        }

        return conflicts;
    }

    /// <summary>Forgets a sealed batch that could not be made durable (its messages are redelivered).</summary>
    public void Forget(SealedRows batch)
    {
        lock (sync)
        {
            Forget(batch.Rows);
        }
    }

    public void Dispose() => inner.Dispose();

    private void Forget(List<PendingRow> rows)
    {
        foreach (var row in rows)
        {
            if (pending.TryGetValue(row.Record.RecordId, out var current) && ReferenceEquals(current, row))
            {
                pending.Remove(row.Record.RecordId);
            }
        }
    }

    private List<PendingRow> Pending(string deviceId, long from, long to)
    {
        lock (sync)
        {
            return [.. pending.Values.Where(r => r.Record.DeviceId == deviceId && r.Record.Sequence >= from && r.Record.Sequence <= to).OrderBy(r => r.StoredAt)];
        }
    }

    /// <summary>The inner index's links first (stored earlier), then pending ones it does not hold yet.</summary>
    private static List<ChainLink> Merge(List<PendingRow> mine, IReadOnlyList<ChainLink> theirs) =>
        [.. theirs, .. mine.Where(r => theirs.All(l => l.RecordId != r.Record.RecordId)).Select(r => r.Link)];
}
