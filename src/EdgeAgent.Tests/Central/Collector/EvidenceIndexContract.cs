namespace EdgeAgent.Tests.Central.Collector;

/// <summary>What every index must do, run against each real backend by the classes that derive from this.</summary>
public abstract class EvidenceIndexContract
{
    private static readonly DateTimeOffset StoredAt = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Opens another index on the same database, as a second collector process would.</summary>
    protected abstract IEvidenceIndex Open(string storedBy = "collector-a");

    protected static EvidenceRecord Record(string device, long sequence, Guid? id = null) => new()
    {
        RecordId = id ?? Guid.CreateVersion7(),
        Sequence = sequence,
        DeviceId = device,
        SiteId = "site-a",
        PointId = "conveyor-1",
        WorkOrder = new WorkOrderStamp("WO-1", "conveyor-lockout"),
        Step = new StepStamp("locked", 1, new Dictionary<string, string>(), true),
        Trigger = new TriggerStamp("LockOn", "gpio", "lock-a", StoredAt, null),
        Frame = new FrameStamp("cam-1", sequence, StoredAt, 320, 240) { ProducedAt = StoredAt, ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock, OffsetMs = 40, Role = EdgeAgent.Protocol.FrameRole.At },
        Image = new ImageStamp(new string('a', 64), 1000),
        CreatedAt = new DateTimeOffset(2026, 3, 14, 8, 0, 0, TimeSpan.FromHours(8)).AddSeconds(sequence),
    };

    private static string PathOf(EvidenceRecord record) => $"site-a/{record.DeviceId}/WO-1/{record.Sequence:D8}-locked-cam-1.json";

    [Fact]
    public void Same_record_twice_is_indexed_once()
    {
        using var index = Open();
        var record = Record("device-1", 1);
        Assert.False(index.Contains(record.RecordId));
        Assert.True(index.TryAdd(record, PathOf(record), StoredAt));
        Assert.True(index.Contains(record.RecordId));
        Assert.False(index.TryAdd(record, PathOf(record), StoredAt));
        Assert.False(index.TryAdd(record with { Sequence = 9 }, "elsewhere.json", StoredAt));
        Assert.Equal(1, index.CountByDevice()["device-1"]);
    }

    [Fact]
    public void Sequence_gaps_and_previous_sequence_per_device()
    {
        using var index = Open();
        foreach (var (device, sequence) in new[] { ("device-1", 1L), ("device-1", 2L), ("device-1", 5L), ("device-1", 9L), ("device-2", 3L) })
        {
            var record = Record(device, sequence);
            Assert.True(index.TryAdd(record, PathOf(record), StoredAt));
        }

        Assert.Equal([new SequenceGap("device-1", 3, 4), new SequenceGap("device-1", 6, 8)], index.Gaps("device-1"));
        Assert.Equal([new SequenceGap("device-2", 1, 2)], index.Gaps("device-2"));
        Assert.Equal(5, index.PreviousSequence("device-1", 9));
        Assert.Equal(0, index.PreviousSequence("device-1", 1));
        Assert.Equal(4, index.CountByDevice()["device-1"]);
    }

    [Fact]
    public void Chain_links_and_breaks_are_kept_per_record()
    {
        using var index = Open();
        var first = Record("device-1", 1);
        var second = Record("device-1", 2) with { PrevHash = new string('b', 64) };
        var other = Record("device-2", 2);
        Assert.True(index.TryAdd(first, PathOf(first), StoredAt, recordHash: new string('c', 64)));
        Assert.True(index.TryAdd(second, PathOf(second), StoredAt, recordHash: new string('d', 64)));
        Assert.True(index.TryAdd(other, PathOf(other), StoredAt));

        Assert.Equal([new ChainLink(first.RecordId, PathOf(first), new string('c', 64), null)], index.At("device-1", 1));
        Assert.Equal([new ChainLink(second.RecordId, PathOf(second), new string('d', 64), new string('b', 64))], index.At("device-1", 2));
        Assert.Empty(index.At("device-1", 3));
        Assert.Empty(index.ChainBreaks("device-1"));

        index.FlagChainBreak(second.RecordId, "prevHash bbbb is not the hash cccc of the previous record");

        Assert.Equal([new ChainBreak("device-1", 2, second.RecordId, "prevHash bbbb is not the hash cccc of the previous record")], index.ChainBreaks("device-1"));
        Assert.Empty(index.ChainBreaks("device-2"));
    }

    [Fact]
    public void Neighbours_are_the_records_one_before_at_and_one_after_a_sequence_of_that_device_only()
    {
        using var index = Open();
        var before = Record("device-1", 4);
        var here = Record("device-1", 5);
        var reset = Record("device-1", 5); // a device whose outbox was reset: two records at one sequence
        var after = Record("device-1", 6);
        var far = Record("device-1", 8);
        var other = Record("device-2", 5);
        foreach (var record in new[] { before, here, reset, after, far, other })
        {
            Assert.True(index.TryAdd(record, PathOf(record) + record.RecordId, StoredAt, recordHash: new string('e', 64)));
        }

        var neighbours = index.Neighbours("device-1", 5);
        Assert.Equal([before.RecordId], neighbours.Previous.Select(l => l.RecordId));
        Assert.Equal(new[] { here.RecordId, reset.RecordId }.Order(), neighbours.Here.Select(l => l.RecordId).Order());
        Assert.Equal([after.RecordId], neighbours.Next.Select(l => l.RecordId));
        Assert.Equal(index.At("device-1", 4), neighbours.Previous);
        Assert.Equal(index.At("device-1", 6), neighbours.Next);
        var lonely = index.Neighbours("device-1", 8);
        Assert.Empty(lonely.Previous);
        Assert.Single(lonely.Here);
        Assert.Empty(lonely.Next);
    }

    [Fact]
    public async Task Two_collectors_racing_on_the_same_records_index_each_exactly_once()
    {
        using var first = Open("collector-a");
        using var second = Open("collector-b");
        var records = Enumerable.Range(1, 100).Select(i => Record("device-race", i)).ToList();

        var winsA = Task.Run(() => records.Count(r => first.TryAdd(r, PathOf(r), StoredAt)));
        var winsB = Task.Run(() => records.Count(r => second.TryAdd(r, PathOf(r), StoredAt)));

        Assert.Equal(100, await winsA + await winsB);
        Assert.Equal(100, first.CountByDevice()["device-race"]);
        Assert.Empty(second.Gaps("device-race"));
    }
}
