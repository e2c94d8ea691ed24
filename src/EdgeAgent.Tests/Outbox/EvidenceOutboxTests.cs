namespace EdgeAgent.Tests.Outbox;

public sealed class EvidenceOutboxTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Sequence_numbers_are_gapless_across_a_reopen()
    {
        using (var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db")))
        {
            var first = await EvidenceFixtures.AppendAsync(outbox, 3, 100);
            Assert.Equal([1L, 2, 3], first.Select(r => r.Sequence));
            await outbox.CompleteManyAsync([(1, first[0].RecordId), (2, first[1].RecordId), (3, first[2].RecordId)]);
        }

        using var reopened = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        Assert.Equal(4, (await EvidenceFixtures.AppendAsync(reopened, 1, 100))[0].Sequence);
    }

    [Fact]
    public async Task A_receipt_removes_only_the_record_it_names()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        var records = await EvidenceFixtures.AppendAsync(outbox, 2, 100);

        await outbox.CompleteManyAsync([(1, Guid.NewGuid()), (2, records[1].RecordId)]);

        Assert.Equal([records[0].RecordId], (await outbox.PeekAsync(10)).Select(i => i.RecordId));
        Assert.Equal([records[0].RecordId], (await outbox.PeekAfterAsync(0, 10)).Select(i => i.RecordId));
        Assert.Empty(await outbox.PeekAfterAsync(1, 10));
    }

    [Fact]
    public async Task Evidence_over_its_quota_is_kept_and_raises_a_critical_state_until_it_drains()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"), new OutboxOptions { EvidenceQuotaBytes = 10_000 });
        var changes = new List<OutboxState>();
        outbox.Condition.Changed += (_, state) => changes.Add(state);

        var records = await EvidenceFixtures.AppendAsync(outbox, 5, 4_000);

        Assert.Equal(OutboxState.QuotaExceeded, outbox.Condition.State);
        Assert.Equal(5, (await outbox.StatsAsync()).Count); // nothing dropped
        await outbox.CompleteManyAsync([.. records.Take(4).Select(r => (r.Sequence, r.RecordId))]);
        Assert.Equal(OutboxState.Ok, outbox.Condition.State);
        Assert.Equal([OutboxState.QuotaExceeded, OutboxState.Ok], changes);
    }

    public void Dispose() => temp.Dispose();
}
