using EdgeAgent.Collector;

namespace EdgeAgent.Tests.Collector;

/// <summary>What every index must do, run against each real backend by the classes that derive from this.</summary>
public abstract class EvidenceIndexContract
{
    /// <summary>Opens another index on the same database, as a second collector process would.</summary>
    protected abstract Task<IEvidenceIndex> OpenAsync();

    protected static IndexedRecord Row(string device, long sequence, string workOrder = "WO-1", Guid? id = null) => new(
        id ?? Guid.CreateVersion7(),
        device,
        sequence,
        "site-a",
        "conveyor-1",
        workOrder,
        "locked",
        "cam-1",
        new DateTimeOffset(2026, 3, 14, 8, 0, 0, 123, TimeSpan.FromHours(8)).AddSeconds(sequence),
        new string('a', 64),
        $"site-a/{device}/{workOrder}/{sequence:D8}-locked-cam-1.json",
        "collector-a",
        new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Same_record_twice_is_indexed_once()
    {
        await using var index = await OpenAsync();
        var row = Row("device-1", 1);
        Assert.False(await index.ContainsAsync(row.RecordId));
        Assert.True(await index.TryAddAsync(row));
        Assert.True(await index.ContainsAsync(row.RecordId));
        Assert.False(await index.TryAddAsync(row));
        Assert.False(await index.TryAddAsync(row with { StoredBy = "collector-b" }));
        Assert.Equal(1, await index.CountAsync());
    }

    [Fact]
    public async Task Lists_a_devices_records_in_sequence_order_with_every_field_intact()
    {
        await using var index = await OpenAsync();
        var rows = new[] { Row("device-1", 3), Row("device-1", 1, "WO-2"), Row("device-2", 2), Row("device-1", 2) };
        foreach (var row in rows)
        {
            Assert.True(await index.TryAddAsync(row));
        }

        var listed = await index.ListAsync("device-1");
        Assert.Equal([1L, 2L, 3L], listed.Select(r => r.Sequence));
        var expected = rows[0];
        var actual = listed.Single(r => r.Sequence == 3);
        Assert.Equal(expected.RecordId, actual.RecordId);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected with { CreatedAt = actual.CreatedAt, StoredAt = actual.StoredAt }, actual);
        Assert.Equal([2L, 3L], (await index.ListAsync("device-1", "WO-1")).Select(r => r.Sequence));
    }

    [Fact]
    public async Task Two_collectors_racing_on_the_same_records_index_each_exactly_once()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        var rows = Enumerable.Range(1, 100).Select(i => Row("device-race", i)).ToList();

        var winsA = Task.Run(async () => { var wins = 0; foreach (var row in rows) { wins += await first.TryAddAsync(row) ? 1 : 0; } return wins; });
        var winsB = Task.Run(async () => { var wins = 0; foreach (var row in rows) { wins += await second.TryAddAsync(row with { StoredBy = "collector-b" }) ? 1 : 0; } return wins; });

        Assert.Equal(100, await winsA + await winsB);
        Assert.Equal(100, await first.CountAsync());
        Assert.Equal(100, (await second.ListAsync("device-race")).Select(r => r.RecordId).Distinct().Count());
    }
}
