namespace EdgeAgent.Tests.Evidence;

/// <summary>Builds realistic evidence records for tests.</summary>
internal static class TestRecords
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public static EvidenceRecord Unsigned(long sequence, string prevHash, byte[] image, string stepId = "isolated", int stepIndex = 0, string workOrder = "WO-1", string status = "open", string deviceId = "dev-1", string camera = "cam-1") => new()
    {
        RecordId = Guid.CreateVersion7(Start.AddSeconds(sequence)),
        Sequence = sequence,
        DeviceId = deviceId,
        SiteId = "site-1",
        PointId = "conveyor-1",
        WorkOrder = new WorkOrderStamp(workOrder, "conveyor-lockout") { Status = status, StartedBy = "manual", Operators = ["张伟"] },
        Step = new StepStamp(stepId, stepIndex, new Dictionary<string, string> { ["en"] = stepId, ["zh"] = "能源已隔离" }, true),
        Trigger = new TriggerStamp("Manual", "test", "button", Start.AddSeconds(sequence), "张伟"),
        Frame = new FrameStamp(camera, 100 + sequence, Start.AddSeconds(sequence).AddMilliseconds(60), 320, 240) { ProducedAt = Start.AddSeconds(sequence).AddMilliseconds(40), ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock, OffsetMs = 40.5, Role = EdgeAgent.Protocol.FrameRole.At },
        Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(image)), image.Length),
        CreatedAt = Start.AddSeconds(sequence).AddMilliseconds(90),
        Clock = new ClockStamp(true, 123_456 + (sequence * 1000), "3f1c2d9e-0000-4000-8000-000000000001", 16_000),
        PrevHash = prevHash,
    };

    /// <summary>A clip record of <paramref name="mp4"/> (a real 640×360 H.264 MP4 of 150 frames), 5 s either side of its edge.</summary>
    public static EvidenceRecord UnsignedClip(long sequence, string prevHash, byte[] mp4, string stepId = "isolated", int stepIndex = 0, string workOrder = "WO-1", string deviceId = "dev-1")
    {
        var record = Unsigned(sequence, prevHash, mp4, stepId, stepIndex, workOrder, deviceId: deviceId);
        var edge = record.Trigger.EdgeTime;
        return record with
        {
            Frame = new FrameStamp("cam-1", 0, edge.AddSeconds(5.2), 640, 360) { ProducedAt = edge.AddSeconds(-5.4), ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock, OffsetMs = -5400 },
            Image = record.Image with { ContentType = ClipStamp.ContentType },
            Clip = new ClipStamp("h264", edge.AddSeconds(-5.4), edge.AddSeconds(5), EdgeAgent.Protocol.ProducedBasis.CameraClock, 150, edge.AddSeconds(-5), edge.AddSeconds(5)),
        };
    }

    /// <summary>A real 320x240 JPEG (as the records say), different for each seed.</summary>
    public static byte[] Image(long seed)
    {
        var random = new Random((int)seed);
        using var mat = new OpenCvSharp.Mat(240, 320, OpenCvSharp.MatType.CV_8UC3, new OpenCvSharp.Scalar(random.Next(256), random.Next(256), random.Next(256)));
        OpenCvSharp.Cv2.Rectangle(mat, new OpenCvSharp.Rect(random.Next(200), random.Next(120), 100, 100), new OpenCvSharp.Scalar(random.Next(256), random.Next(256), random.Next(256)), -1);
        OpenCvSharp.Cv2.ImEncode(".jpg", mat, out var jpeg);
        return jpeg;
    }
}
