namespace EdgeAgent.Tests.Outbox;

public sealed class TelemetryQueueTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Past_the_quota_the_oldest_telemetry_goes_first()
    {
        using var queue = TelemetryQueue.Open(temp.Combine("telemetry.db"), new OutboxOptions { TelemetryQuotaBytes = 3_000 }, time);

        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue("health", new byte[1_000]);
        }

        Assert.Equal((3, 3_000), queue.Stats());
        Assert.Equal(2, queue.Dropped);
        Assert.Equal([3L, 4, 5], queue.Peek(10).Select(m => m.Id));
    }

    [Fact]
    public void Telemetry_older_than_its_TTL_is_dropped_unsent()
    {
        using var queue = TelemetryQueue.Open(temp.Combine("telemetry.db"), new OutboxOptions { TelemetryTtlSeconds = 60 }, time);
        queue.Enqueue("health", [1]);
        time.Advance(TimeSpan.FromSeconds(45));
        queue.Enqueue("health", [2]);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal([(byte)2], queue.Peek(10).Single().Payload);
        Assert.Equal(1, queue.Dropped);
    }

    [Fact]
    public async Task When_evidence_passes_its_quota_all_telemetry_goes_to_leave_the_disk_to_evidence()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"), new OutboxOptions { EvidenceQuotaBytes = 5_000 });
        using var queue = TelemetryQueue.Open(temp.Combine("telemetry.db"), new OutboxOptions(), time, outbox.Condition);
        queue.Enqueue("health", new byte[500]);
        queue.Enqueue("telemetry", new byte[500]);

        await EvidenceFixtures.AppendAsync(outbox, 2, 4_000);

        Assert.Equal(OutboxState.QuotaExceeded, outbox.Condition.State);
        Assert.Equal((0, 0), queue.Stats());
        Assert.Equal(2, (await outbox.StatsAsync()).Count);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("#")]
    public void A_subtopic_that_is_not_an_identifier_is_refused(string subtopic)
    {
        using var queue = TelemetryQueue.Open(temp.Combine("telemetry.db"), new OutboxOptions(), time);

        Assert.Throws<ArgumentException>(() => queue.Enqueue(subtopic, [1]));
    }

    public void Dispose() => temp.Dispose();
}
