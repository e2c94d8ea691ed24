using Microsoft.Data.Sqlite;

namespace EdgeAgent.Tests.Outbox;

public sealed class DiskFullTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Full_disk_refuses_the_record_clearly_corrupts_nothing_and_recovers_when_space_returns()
    {
        using var disk = SmallDisk.Mount(temp.Combine("disk"));
        var filler = disk.Fill("filler", 512 * 1024);
        var stored = new List<Guid>();
        OutboxDiskFullException? full = null;
        using (var outbox = EvidenceOutbox.Open(Path.Combine(disk.Path, "outbox.db")))
        {
            for (var i = 0; i < 40 && full is null; i++)
            {
                var image = EvidenceFixtures.Image(100 * 1024);
                try
                {
                    stored.Add((await EvidenceFixtures.AppendChainedAsync(outbox, (seq, prev) => EvidenceFixtures.Record(seq, image) with { PrevHash = prev }, image)).RecordId);
                }
                catch (OutboxDiskFullException ex)
                {
                    full = ex;
                }
            }

            Assert.NotNull(full);
            Assert.Contains("disk full", full.Message, StringComparison.Ordinal);
            Assert.Contains("NOT stored", full.Message, StringComparison.Ordinal);
            Assert.Equal(OutboxState.DiskFull, outbox.Condition.State);
            Assert.NotEmpty(stored);

            // Everything acknowledged before the disk filled is intact and in order.
            Assert.Equal(stored, (await outbox.PeekAsync(1000)).Select(i => i.RecordId));

            // Space comes back: the same outbox, without a restart, stores again, with the next sequence number.
            File.Delete(filler);
            var image2 = EvidenceFixtures.Image(100 * 1024);
            var after = await EvidenceFixtures.AppendChainedAsync(outbox, (seq, prev) => EvidenceFixtures.Record(seq, image2) with { PrevHash = prev }, image2);
            Assert.Equal(stored.Count + 1, after.Sequence);
            Assert.Equal(OutboxState.Ok, outbox.Condition.State);
            stored.Add(after.RecordId);
        }

        using var check = new SqliteConnection($"Data Source={Path.Combine(disk.Path, "outbox.db")};Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar());
        using var reopened = EvidenceOutbox.Open(Path.Combine(disk.Path, "outbox.db"));
        Assert.Equal(stored, (await reopened.PeekAsync(1000)).Select(i => i.RecordId));
    }

    public void Dispose() => temp.Dispose();
}
