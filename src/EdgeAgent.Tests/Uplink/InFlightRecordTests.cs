using EdgeAgent.Uplink;

namespace EdgeAgent.Tests.Uplink;

public sealed class InFlightRecordTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_reconnect_resumes_from_the_first_unacknowledged_chunk()
    {
        var record = new InFlightRecord(1, Guid.NewGuid(), imageBytes: 10_000, chunkSize: 1_000);
        for (var i = 0; i < 4; i++)
        {
            record.ChunkAcknowledged(i);
        }

        record.Reconnected();

        Assert.Equal(10, record.ChunkCount);
        Assert.Equal(4, record.NextChunk);
        Assert.True(record.RecordToSend);
    }

    [Fact]
    public void Incomplete_receipt_resends_only_the_missing_chunks_and_ignores_bogus_indexes()
    {
        var record = new InFlightRecord(1, Guid.NewGuid(), 3_000, 1_000);
        foreach (var i in new[] { 0, 1, 2 })
        {
            record.ChunkAcknowledged(i);
        }

        record.RecordAcknowledged(Now);
        record.ResendChunks([2, -1, 99]);

        Assert.Equal(2, record.NextChunk);
        record.ChunkAcknowledged(2);
        Assert.Null(record.NextChunk);
        Assert.True(record.HasWork);
    }

    [Fact]
    public void Overdue_only_after_the_timeout_and_only_when_fully_sent()
    {
        var record = new InFlightRecord(1, Guid.NewGuid(), 1_000, 1_000);
        Assert.False(record.IsOverdue(Now.AddHours(1), TimeSpan.FromSeconds(30)));
        record.ChunkAcknowledged(0);
        record.RecordAcknowledged(Now);

        Assert.False(record.IsOverdue(Now.AddSeconds(29), TimeSpan.FromSeconds(30)));
        Assert.True(record.IsOverdue(Now.AddSeconds(30), TimeSpan.FromSeconds(30)));
        record.ResendAll();
        Assert.Equal(0, record.NextChunk);
    }

    [Fact]
    public void Empty_image_still_has_one_chunk()
    {
        Assert.Equal(1, new InFlightRecord(1, Guid.NewGuid(), 0, 1_000).ChunkCount);
    }
}
