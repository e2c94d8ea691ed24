using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Evidence;

public sealed class OutboxChainTests
{
    [Fact]
    public async Task Outbox_hands_each_record_the_hash_of_the_previous_one_across_restarts_and_deliveries()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("outbox.db");
        var seen = new List<string>();
        var stored = new List<byte[]>();

        using (var outbox = EvidenceOutbox.Open(path))
        {
            for (var i = 0; i < 2; i++)
            {
                await EvidenceFixtures.AppendChainedAsync(outbox, (sequence, prev) => { seen.Add(prev); return TestRecords.Unsigned(sequence, prev, TestRecords.Image(sequence)); }, TestRecords.Image(i + 1));
            }

            stored.AddRange((await outbox.PeekAsync(10)).Select(i => i.Record));
            await outbox.CompleteAsync(1);
            await outbox.CompleteAsync(2); // delivered: the link must survive the rows
        }

        using (var reopened = EvidenceOutbox.Open(path))
        {
            var third = await EvidenceFixtures.AppendChainedAsync(reopened, (sequence, prev) => { seen.Add(prev); return TestRecords.Unsigned(sequence, prev, TestRecords.Image(sequence)); }, TestRecords.Image(3));
            Assert.Equal(3, third.Sequence);
        }

        Assert.Equal(EvidenceSignature.GenesisHash, seen[0]);
        Assert.Equal(EvidenceSignature.RecordHash(stored[0]), seen[1]);
        Assert.Equal(EvidenceSignature.RecordHash(stored[1]), seen[2]);
    }
}
