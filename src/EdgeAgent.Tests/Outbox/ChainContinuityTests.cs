using Microsoft.Data.Sqlite;

namespace EdgeAgent.Tests.Outbox;

/// <summary>
/// The outbox stores only a finished record that continues its chain (the next sequence, the previous record's hash),
/// refuses anything else whole, and tells a writer where the chain stands, across restarts and a lost outbox file.
/// </summary>
public sealed class ChainContinuityTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public static TheoryData<string> Breaks => ["repeated-sequence", "gap", "wrong-prev-hash", "no-prev-hash"];

    [Theory]
    [MemberData(nameof(Breaks))]
    public async Task A_record_that_does_not_continue_the_chain_is_refused_and_nothing_is_written(string fault)
    {
        var path = temp.Combine("outbox.db");
        using var outbox = EvidenceOutbox.Open(path);
        await EvidenceFixtures.AppendAsync(outbox, 2, 1000);
        var rows = await outbox.PeekAsync(10);
        var lastHash = EvidenceSignature.RecordHash(rows[1].Record); // from the stored bytes, not from what the writer said
        var image = EvidenceFixtures.Image(1000);
        var record = fault switch
        {
            "repeated-sequence" => EvidenceFixtures.Record(2, image) with { PrevHash = lastHash },
            "gap" => EvidenceFixtures.Record(4, image) with { PrevHash = lastHash },
            "wrong-prev-hash" => EvidenceFixtures.Record(3, image) with { PrevHash = EvidenceSignature.RecordHash(rows[0].Record) },
            _ => EvidenceFixtures.Record(3, image),
        };

        var refused = await Assert.ThrowsAsync<ChainContinuityException>(() => outbox.AppendAsync(record, image));

        Assert.Equal(new NextLink(3, lastHash), refused.Expected);
        Assert.Contains("Nothing was stored", refused.Message, StringComparison.Ordinal);
        Assert.Contains(fault.EndsWith("prev-hash", StringComparison.Ordinal) ? "prevHash" : "sequence", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, RowsOnDisk(path));
        Assert.Equal(new NextLink(3, lastHash), await outbox.ReadNextLinkAsync());

        // The writer reads the link again and re-signs: the right record goes in as #3.
        var next = await outbox.AppendAsync(EvidenceFixtures.Record(3, image) with { PrevHash = lastHash }, image);
        Assert.Equal(3, RowsOnDisk(path));
        Assert.Equal(new NextLink(4, EvidenceSignature.RecordHash((await outbox.PeekAsync(10))[2].Record)), next);
    }

    [Fact]
    public async Task The_next_link_is_where_the_chain_stopped_after_a_restart_and_after_the_outbox_file_is_lost()
    {
        var path = temp.Combine("outbox.db");
        string lastHash;
        using (var outbox = EvidenceOutbox.Open(path))
        {
            Assert.Equal(new NextLink(1, EvidenceSignature.GenesisHash), await outbox.ReadNextLinkAsync());
            await EvidenceFixtures.AppendAsync(outbox, 3, 1000);
            lastHash = EvidenceSignature.RecordHash((await outbox.PeekAsync(10))[2].Record);
        }

        using (var reopened = EvidenceOutbox.Open(path))
        {
            Assert.Equal(new NextLink(4, lastHash), await reopened.ReadNextLinkAsync());
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        using var fresh = EvidenceOutbox.Open(path); // only the chain head beside it remembers
        Assert.Equal(new NextLink(4, lastHash), await fresh.ReadNextLinkAsync());
    }

    /// <summary>Counts the rows through a connection of its own, not through the outbox under test.</summary>
    private static long RowsOnDisk(string path)
    {
        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM items";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => temp.Dispose();
}
