using OpenCvSharp;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>Fills a real collector store with a job's records and real JPEGs, so the report reads what a collector writes.</summary>
public sealed class EvidenceStoreBuilder(string root)
{
    public static readonly string[] Steps = ["isolated", "locked", "zero-energy-verified", "area-cleared", "lock-removed", "restored"];

    private static readonly Dictionary<string, string> Chinese = new()
    {
        ["isolated"] = "能源已隔离",
        ["locked"] = "已上个人锁",
        ["zero-energy-verified"] = "已验证零能量",
        ["area-cleared"] = "现场已清理",
        ["lock-removed"] = "已解除个人锁",
        ["restored"] = "已恢复并试运行",
    };

    private readonly Dictionary<string, byte[]> lastJson = new(StringComparer.Ordinal);
    private long sequence;

    public EvidenceStore Store { get; } = new(root);

    public DateTimeOffset Clock { get; set; } = new(2026, 3, 14, 8, 0, 0, TimeSpan.Zero);

    public string Site { get; set; } = "site-a";

    public string Device { get; set; } = "device-1";

    public string Point { get; set; } = "conveyor-1";

    public string WorkOrder { get; set; } = "WO-1";

    /// <summary>Runs <c>edgeagent report</c> on the store into <paramref name="output"/>; fails the test unless it exits 0.</summary>
    public async Task<string> ReportAsync(string output, params string[] extra)
    {
        var console = new StringWriter();
        var exit = await EdgeAgentCli.InvokeAsync(["report", Store.Root, "--output", output, .. extra], console, console);
        Assert.True(exit == 0, console.ToString());
        return output;
    }

    /// <summary>Stores one record for <paramref name="step"/> and returns it.</summary>
    public EvidenceRecord Add(string step, string trigger = "Manual", bool advanced = true, string? op = "li.wei", double offsetMs = 80, byte[]? image = null, Func<EvidenceRecord, EvidenceRecord>? bend = null, Action<System.Text.Json.Nodes.JsonObject>? bendJson = null)
    {
        Clock = Clock.AddSeconds(30);
        var jpeg = image ?? Jpeg(640, 360, step);
        var record = new EvidenceRecord
        {
            RecordId = Guid.CreateVersion7(Clock),
            Sequence = ++sequence,
            DeviceId = Device,
            SiteId = Site,
            PointId = Point,
            WorkOrder = new WorkOrderStamp(WorkOrder, "conveyor-lockout"),
            Step = new StepStamp(step, Array.IndexOf(Steps, step), new Dictionary<string, string> { ["en"] = step, ["zh"] = Chinese[step] }, advanced),
            Trigger = new TriggerStamp(trigger, trigger is "LockOn" or "LockOff" ? "gpio" : "control-socket", "lock-a", Clock, op),
            Frame = new FrameStamp("cam-1", sequence * 10, Clock.AddMilliseconds(offsetMs + 60), 640, 360)
            {
                ProducedAt = Clock.AddMilliseconds(offsetMs),
                ProducedBasis = EdgeAgent.Protocol.ProducedBasis.CameraClock,
                OffsetMs = offsetMs,
                Role = offsetMs < 0 ? EdgeAgent.Protocol.FrameRole.Pre : EdgeAgent.Protocol.FrameRole.At,
            },
            Image = new ImageStamp(Convert.ToHexStringLower(SHA256.HashData(jpeg)), jpeg.Length),
            CreatedAt = Clock.AddMilliseconds(150),
        };
        // Chained like the agent's outbox does: each record carries the hash of the device's previous one.
        record = record with { PrevHash = lastJson.TryGetValue(Device, out var previous) ? EvidenceSignature.RecordHash(previous) : EvidenceSignature.GenesisHash };
        record = bend?.Invoke(record) ?? record;
        var json = System.Text.Json.Nodes.JsonNode.Parse(record.ToJson())!.AsObject();
        bendJson?.Invoke(json); // fields a test wants as raw JSON (clock stamps, …)
        var bytes = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        lastJson[Device] = bytes;
        Store.Store(record, bytes, jpeg);
        return record;
    }

    /// <summary>A full, clean job: all six steps in order.</summary>
    public void AddCleanJob()
    {
        foreach (var step in Steps)
        {
            Add(step, step switch { "locked" => "LockOn", "lock-removed" => "LockOff", _ => "Manual" });
        }
    }

    /// <summary>A real JPEG with some structure (not blank).</summary>
    public static byte[] Jpeg(int width, int height, string text, bool blank = false)
    {
        using var mat = new Mat(height, width, MatType.CV_8UC3, new Scalar(40, 90, 40));
        if (!blank)
        {
            Cv2.Rectangle(mat, new Rect(width / 8, height / 4, width / 3, height / 2), new Scalar(0, 140, 255), -1);
            Cv2.PutText(mat, text, new Point(10, 30), HersheyFonts.HersheySimplex, 0.8, Scalar.White, 2);
        }

        Cv2.ImEncode(".jpg", mat, out var jpeg);
        return jpeg;
    }
}
