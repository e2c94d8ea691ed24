using System.Globalization;
using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Central.Collector;

public sealed class EvidenceIntakeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private EvidenceIntake NewIntake(int maxChunk = 1024 * 1024, int maxImage = 8 * 1024 * 1024, long maxPending = 64L * 1024 * 1024) =>
        EvidenceIntake.Open(new CollectorOptions { Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = temp.Combine("root"), MaxChunkBytes = maxChunk, MaxImageBytes = maxImage, MaxPendingBytes = maxPending }, NullLogger.Instance);

    private static Receipt? Deliver(EvidenceIntake intake, EvidenceRecord record, byte[] image, int chunkSize = 4096)
    {
        var count = Math.Max(1, (image.Length + chunkSize - 1) / chunkSize);
        for (var i = 0; i < count; i++)
        {
            Assert.Null(intake.AcceptChunk(record.DeviceId, record.RecordId.ToString(), i.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), image.AsSpan(i * chunkSize, Math.Min(chunkSize, image.Length - (i * chunkSize)))));
        }

        return intake.AcceptRecord(record.DeviceId, record.ToJson());
    }

    [Fact]
    public void Same_record_twice_is_stored_once()
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(10_000);
        var record = EvidenceFixtures.Record(1, image);

        Assert.Equal(ReceiptStatus.Stored, Deliver(intake, record, image)!.Status);
        Assert.Equal(ReceiptStatus.Duplicate, Deliver(intake, record, image)!.Status);
        Assert.Equal(ReceiptStatus.Duplicate, intake.AcceptRecord(record.DeviceId, record.ToJson())!.Status);

        Assert.Single(intake.Store.List());
        Assert.Equal(1, intake.Index.CountByDevice()["test-device"]);
    }

    [Fact]
    public void Replayed_record_with_a_different_image_is_not_stored_again()
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(5_000);
        var record = EvidenceFixtures.Record(1, image);
        Assert.Equal(ReceiptStatus.Stored, Deliver(intake, record, image)!.Status);
        var forged = EvidenceFixtures.Image(5_000);

        Assert.Equal(ReceiptStatus.Duplicate, Deliver(intake, record with { Image = new ImageStamp(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(forged)), forged.Length) }, forged)!.Status);
        Assert.Equal(image, intake.Store.Read(Assert.Single(intake.Store.List()).ImageKey));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public void Path_traversal_work_orders_are_stored_inside_the_root_under_their_encoded_name(string hostile)
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(3_000);
        var record = EvidenceFixtures.Record(1, image, workOrder: hostile);

        var receipt = Deliver(intake, record, image);

        Assert.Equal(ReceiptStatus.Stored, receipt!.Status);
        var stored = Path.GetRelativePath(intake.Store.Location, Path.Combine(intake.Store.Location, Assert.Single(intake.Store.List()).RecordKey)).Split(Path.DirectorySeparatorChar);
        Assert.Equal(hostile, SafePath.Decode(stored[2]));
        var root = intake.Store.Location + Path.DirectorySeparatorChar;
        Assert.All(Directory.EnumerateFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories), p => Assert.StartsWith(root, Path.GetFullPath(p) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.Single(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../etc")]
    [InlineData("/etc/passwd")]
    [InlineData(".")]
    [InlineData(" ")]
    public void Device_and_site_ids_outside_the_id_pattern_are_rejected_and_dead_lettered(string hostile)
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(3_000);
        var record = EvidenceFixtures.Record(1, image, siteId: hostile);

        var receipt = Deliver(intake, record, image);

        Assert.Equal(ReceiptStatus.Rejected, receipt!.Status);
        Assert.Contains("'siteId' must be", receipt.Reason, StringComparison.Ordinal);
        Assert.Empty(intake.Store.List());
        Assert.Equal(1, intake.DeadLetters.Kept);
        Assert.All(Directory.EnumerateFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories), p => Assert.StartsWith(intake.Store.Location, Path.GetFullPath(p), StringComparison.Ordinal));
    }

    [Fact]
    public void Oversized_chunk_is_refused_and_nothing_is_staged()
    {
        using var intake = NewIntake(maxChunk: 1024);

        var error = intake.AcceptChunk("dev", Guid.NewGuid().ToString(), "0", "1", new byte[2048]);

        Assert.Contains("limit is 1024", error, StringComparison.Ordinal);
        Assert.Equal(0, intake.Staging.StagedBytes);
    }

    [Fact]
    public void Image_over_the_image_limit_is_refused_and_its_chunks_dropped()
    {
        using var intake = NewIntake(maxChunk: 1024, maxImage: 2048);
        var id = Guid.NewGuid().ToString();
        Assert.Null(intake.AcceptChunk("dev", id, "0", "3", new byte[1024]));
        Assert.Null(intake.AcceptChunk("dev", id, "1", "3", new byte[1024]));

        Assert.Contains("exceeds 2048", intake.AcceptChunk("dev", id, "2", "3", new byte[1024]), StringComparison.Ordinal);
        Assert.Equal(0, intake.Staging.StagedBytes);
    }

    [Theory]
    [InlineData("not-a-guid", "0", "1")]
    [InlineData(null, "0", "1")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "-1", "1")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "5", "2")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "0", "999999999")]
    public void Malformed_chunk_properties_are_refused(string? recordId, string index, string count)
    {
        using var intake = NewIntake();

        Assert.NotNull(intake.AcceptChunk("dev", recordId, index, count, new byte[10]));
        Assert.Equal(0, intake.Staging.StagedBytes);
    }

    [Fact]
    public void Chunk_flood_for_unknown_records_stays_within_the_staging_quota()
    {
        const long quota = 512 * 1024;
        using var intake = NewIntake(maxPending: quota);
        var chunk = new byte[16 * 1024];

        var refused = 0;
        for (var i = 0; i < 250; i++)
        {
            refused += intake.AcceptChunk("flooder", Guid.NewGuid().ToString(), "0", "2", chunk) is null ? 0 : 1;
        }

        Assert.Equal(250 - (quota / chunk.Length), refused); // past its share the device's chunks are refused, not staged
        Assert.Equal(refused, intake.RefusedChunks);

        var onDisk = Directory.EnumerateFiles(temp.Path, "*.part", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(onDisk, 0, quota);
        Assert.InRange(intake.Staging.StagedBytes, 0, quota);
        // Memory: staging keeps no chunk bytes in memory at all (only a byte counter), so 4 MB through costs none;
        // a process-wide GC figure would measure the parallel tests instead.
        Assert.True(Directory.EnumerateDirectories(Path.Combine(intake.Store.Location, ".staging", "flooder")).Count() < 250);
    }

    [Fact]
    public void Wrong_hash_is_rejected_and_nothing_is_stored()
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(6_000);
        var record = EvidenceFixtures.Record(1, image);
        image[100] ^= 0xFF;

        var receipt = Deliver(intake, record, image);

        Assert.Equal(ReceiptStatus.Rejected, receipt!.Status);
        Assert.Empty(intake.Store.List());
        Assert.Equal(0, intake.Staging.StagedBytes);
    }

    [Fact]
    public void Record_without_all_chunks_gets_an_incomplete_receipt_naming_the_missing_ones()
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(4096 * 4);
        var record = EvidenceFixtures.Record(1, image);
        Assert.Null(intake.AcceptChunk("test-device", record.RecordId.ToString(), "0", "4", image.AsSpan(0, 4096)));
        Assert.Null(intake.AcceptChunk("test-device", record.RecordId.ToString(), "2", "4", image.AsSpan(8192, 4096)));

        var receipt = intake.AcceptRecord("test-device", record.ToJson())!;

        Assert.Equal(ReceiptStatus.Incomplete, receipt.Status);
        Assert.Equal([1, 3], receipt.Missing);
        Assert.Null(intake.AcceptRecord("test-device", "{not json"u8));
        var unknown = intake.AcceptRecord("test-device", EvidenceFixtures.Record(2, image).ToJson())!;
        Assert.Equal(ReceiptStatus.Incomplete, unknown.Status);
        Assert.Null(unknown.Missing); // nothing staged: the device sends every chunk again
    }

    [Fact]
    public void Chunks_staged_before_a_restart_or_by_another_collector_complete_the_image()
    {
        var image = EvidenceFixtures.Image(4096 * 3);
        var record = EvidenceFixtures.Record(1, image);
        using (var first = NewIntake())
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Null(first.AcceptChunk("test-device", record.RecordId.ToString(), i.ToString(CultureInfo.InvariantCulture), "3", image.AsSpan(i * 4096, 4096)));
            }
        }

        using var second = NewIntake();
        Assert.Equal(ReceiptStatus.Stored, second.AcceptRecord("test-device", record.ToJson())!.Status);
        Assert.Equal(image, second.Store.Read(Assert.Single(second.Store.List()).ImageKey));
    }

    [Fact]
    public void Record_on_another_devices_topic_is_rejected()
    {
        using var intake = NewIntake();
        var image = EvidenceFixtures.Image(100);
        var record = EvidenceFixtures.Record(1, image, deviceId: "victim");

        Assert.Equal(ReceiptStatus.Rejected, intake.AcceptRecord("attacker", record.ToJson())!.Status);
        Assert.Empty(intake.Store.List());
    }

    [Fact]
    public void Sequence_gaps_are_detected_and_reported_until_filled()
    {
        using var intake = NewIntake();
        var gaps = new List<SequenceGap>();
        intake.GapDetected += (_, gap) => gaps.Add(gap);
        var images = Enumerable.Range(0, 6).Select(_ => EvidenceFixtures.Image(500)).ToArray();
        var records = Enumerable.Range(1, 5).Select(s => EvidenceFixtures.Record(s, images[s])).ToArray();

        foreach (var s in new[] { 1, 2, 5 })
        {
            Deliver(intake, records[s - 1], images[s]);
        }

        Assert.Equal([new SequenceGap("test-device", 3, 4)], gaps);
        Assert.Equal([new SequenceGap("test-device", 3, 4)], intake.Index.Gaps("test-device"));
        Deliver(intake, records[3], images[4]);
        Assert.Equal([new SequenceGap("test-device", 3, 3)], intake.Index.Gaps("test-device"));
        Deliver(intake, records[2], images[3]);
        Assert.Empty(intake.Index.Gaps("test-device"));
    }

    public void Dispose() => temp.Dispose();
}
