namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// The index seen through rows whose batch is not durable yet (pipelined group commit), on a real SQLite file. Ground
/// truth: a second connection on the same database, as another collector process (or <c>verify</c>) would read it.
/// </summary>
public sealed class PipelinedIndexTests : IDisposable
{
    private static readonly DateTimeOffset StoredAt = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory temp = new();

    [Fact]
    public void Rows_of_an_open_or_sealed_batch_answer_every_read_and_reach_the_database_only_on_commit()
    {
        using var index = new PipelinedIndex(CollectorIndex.Open(temp.Path));
        using var database = CollectorIndex.Open(temp.Path);
        var durable = Record(1);
        Assert.True(index.TryAdd(durable, "r1.json", StoredAt, Hash('1'))); // outside a batch: straight to the database
        Assert.True(database.Contains(durable.RecordId));

        index.BeginBatch();
        var second = Record(2) with { PrevHash = Hash('1') };
        var fourth = Record(4) with { PrevHash = Hash('x') };
        Assert.True(index.TryAdd(second, "r2.json", StoredAt, Hash('2')));
        Assert.True(index.TryAdd(fourth, "r4.json", StoredAt, Hash('4')));
        Assert.False(index.TryAdd(second, "again.json", StoredAt)); // pending counts as indexed
        index.FlagChainBreak(fourth.RecordId, "prevHash xxxx is not the hash of the previous record");
        index.FlagChainBreak(durable.RecordId, "flagged later");
        var sealedRows = index.SealBatch();

        Assert.True(index.Contains(second.RecordId));
        Assert.Equal([new ChainLink(second.RecordId, "r2.json", Hash('2'), Hash('1'))], index.At("device-1", 2));
        var around = index.Neighbours("device-1", 2);
        Assert.Equal([durable.RecordId], around.Previous.Select(l => l.RecordId));
        Assert.Equal([second.RecordId], around.Here.Select(l => l.RecordId));
        Assert.Empty(around.Next);
        Assert.Equal(2, index.PreviousSequence("device-1", 4));
        Assert.Equal(3, index.CountByDevice()["device-1"]);
        Assert.Equal([4L], index.ChainBreaks("device-1").Select(b => b.Sequence));
        Assert.Equal(2, index.PendingRows);
        Assert.False(database.Contains(second.RecordId)); // nothing durable before the commit
        Assert.Empty(database.ChainBreaks("device-1"));

        Assert.Empty(index.Commit(sealedRows));

        Assert.Equal(0, index.PendingRows);
        Assert.Equal(3, database.CountByDevice()["device-1"]);
        Assert.Equal([1L, 4L], database.ChainBreaks("device-1").Select(b => b.Sequence));
        Assert.Equal([new SequenceGap("device-1", 3, 3)], database.Gaps("device-1"));
        Assert.Equal([new ChainLink(second.RecordId, "r2.json", Hash('2'), Hash('1'))], index.At("device-1", 2)); // once, from the database
    }

    [Fact]
    public void A_record_another_collector_indexed_meanwhile_is_a_conflict_and_stays_indexed_once()
    {
        using var index = new PipelinedIndex(CollectorIndex.Open(temp.Path));
        using var other = CollectorIndex.Open(temp.Path);
        var contested = Record(1);
        var mine = Record(2);

        index.BeginBatch();
        Assert.True(index.TryAdd(contested, "r1.json", StoredAt));
        Assert.True(index.TryAdd(mine, "r2.json", StoredAt));
        Assert.True(other.TryAdd(contested, "r1.json", StoredAt)); // the other collector commits first
        var conflicts = index.Commit(index.SealBatch());

        Assert.Equal([contested.RecordId], conflicts);
        Assert.Equal(2, other.CountByDevice()["device-1"]);
    }

    [Fact]
    public void A_forgotten_or_rolled_back_batch_leaves_nothing_in_memory_or_in_the_database()
    {
        using var index = new PipelinedIndex(CollectorIndex.Open(temp.Path));
        using var database = CollectorIndex.Open(temp.Path);
        var sealedRecord = Record(1);
        var openRecord = Record(2);

        index.BeginBatch();
        index.TryAdd(sealedRecord, "r1.json", StoredAt);
        var sealedRows = index.SealBatch();
        index.BeginBatch();
        index.TryAdd(openRecord, "r2.json", StoredAt);
        index.Forget(sealedRows); // its sync failed
        index.RollbackBatch(); // and the open batch is dropped with the connection

        Assert.False(index.Contains(sealedRecord.RecordId));
        Assert.False(index.Contains(openRecord.RecordId));
        Assert.Equal(0, index.PendingRows);
        Assert.Empty(database.CountByDevice());
        Assert.True(index.TryAdd(sealedRecord, "r1.json", StoredAt)); // redelivered: indexed again
    }

    private static string Hash(char c) => new(c, 64);

    private static EvidenceRecord Record(long sequence) => new()
    {
        RecordId = Guid.CreateVersion7(),
        Sequence = sequence,
        DeviceId = "device-1",
        SiteId = "site-a",
        PointId = "conveyor-1",
        WorkOrder = new WorkOrderStamp("WO-1", "conveyor-lockout"),
        Step = new StepStamp("locked", 1, new Dictionary<string, string>(), true),
        Trigger = new TriggerStamp("LockOn", "gpio", "lock-a", StoredAt, null),
        Frame = new FrameStamp("cam-1", sequence, StoredAt, 320, 240) { ProducedAt = StoredAt, ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock, OffsetMs = 40, Role = EdgeAgent.Protocol.FrameRole.At },
        Image = new ImageStamp(new string('a', 64), 1000),
        CreatedAt = StoredAt.AddSeconds(sequence),
    };

    public void Dispose() => temp.Dispose();
}
