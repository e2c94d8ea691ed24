namespace EdgeAgent.Tests.Outbox;

/// <summary>Evidence records with random images, built the way the recorder builds them.</summary>
public static class EvidenceFixtures
{
    /// <summary>Random bytes of the given size framed like a whole JPEG (start- and end-of-image markers), as verify checks.</summary>
    public static byte[] Image(int bytes)
    {
        var image = new byte[bytes];
        Random.Shared.NextBytes(image);
        (image[0], image[1], image[^2], image[^1]) = ((byte)0xFF, (byte)0xD8, (byte)0xFF, (byte)0xD9);
        return image;
    }

    public static EvidenceRecord Record(long sequence, byte[] image, string deviceId = "test-device", string siteId = "test-site", string workOrder = "WO-1", Guid? recordId = null) => new()
    {
        RecordId = recordId ?? Guid.CreateVersion7(),
        Sequence = sequence,
        DeviceId = deviceId,
        SiteId = siteId,
        PointId = "conveyor-1",
        WorkOrder = new WorkOrderStamp(workOrder, "conveyor-lockout"),
        Step = new StepStamp("locked", 1, new Dictionary<string, string> { ["en"] = "Locked" }, true),
        Trigger = new TriggerStamp("LockOn", "test", "lock-a", DateTimeOffset.UtcNow, "tester"),
        Frame = new FrameStamp("cam-1", sequence, DateTimeOffset.UtcNow, 320, 240) { ProducedAt = DateTimeOffset.UtcNow, ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock, OffsetMs = 12.5, Role = EdgeAgent.Protocol.FrameRole.At },
        Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(image)), image.Length),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Appends <paramref name="count"/> records with random images of <paramref name="imageBytes"/>; returns them in order.</summary>
    public static async Task<List<EvidenceRecord>> AppendAsync(EvidenceOutbox outbox, int count, int imageBytes, string deviceId = "test-device")
    {
        var records = new List<EvidenceRecord>();
        for (var i = 0; i < count; i++)
        {
            var image = Image(imageBytes);
            records.Add(await AppendChainedAsync(outbox, (seq, prevHash) => Record(seq, image, deviceId) with { PrevHash = prevHash }, image));
        }

        return records;
    }

    /// <summary>
    /// Appends the record <paramref name="build"/> makes for the outbox's next link (sequence, prevHash), as the
    /// evidence recorder does: read the link, build and sign, hand the finished record over. One writer only.
    /// </summary>
    public static async Task<EvidenceRecord> AppendChainedAsync(EvidenceOutbox outbox, Func<long, string, EvidenceRecord> build, byte[] image)
    {
        var link = await outbox.ReadNextLinkAsync();
        var record = build(link.Sequence, link.PrevHash);
        await outbox.AppendAsync(record, image);
        return record;
    }
}
