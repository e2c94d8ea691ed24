using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Tests.Outbox;
using EdgeAgent.Tests.Uplink;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>
/// Issue 14, attack 1: records that parse but can never be stored used to throw, stay unacknowledged and be
/// redelivered forever, starving every good record. On a real mosquitto each is now rejected once and
/// dead-lettered, and 40 good records from another device flow at once.
/// </summary>
public sealed class PoisonRecordTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public static TheoryData<string> Poisons => [.. PoisonCases.Keys];

    private static readonly Dictionary<string, Action<JsonObject>> PoisonCases = new()
    {
        ["siteId-null"] = r => r["siteId"] = null,
        ["workOrder-null"] = r => r["workOrder"] = null,
        ["workOrder.id-null"] = r => r["workOrder"]!["id"] = null,
        ["step-null"] = r => r["step"] = null,
        ["step.names-null"] = r => r["step"]!["names"] = null,
        ["frame-null"] = r => r["frame"] = null,
        ["frame.cameraId-number"] = r => r["frame"]!["cameraId"] = 7,
        ["image-null"] = r => r["image"] = null,
        ["trigger-null"] = r => r["trigger"] = null,
        ["pointId-missing"] = r => r.Remove("pointId"),
        ["createdAt-garbage"] = r => r["createdAt"] = "yesterday",
        ["schema-unknown"] = r => r["schema"] = "edgeagent.evidence/99",
        ["siteId-1MiB"] = r => r["siteId"] = new string('s', 1024 * 1024),
        ["findings-nested"] = r => r["findings"] = new JsonArray(new JsonObject { ["a"] = new JsonArray(new JsonArray(new JsonArray(new JsonArray(new JsonArray(new JsonArray(new JsonArray()))))) ) }),
    };

    [Fact]
    public async Task Poison_records_are_rejected_once_and_40_good_records_keep_flowing()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var collector = new CollectorHarness(temp.Combine("store"), new BrokerOptions { Url = broker.Url });
        var failures = 0;
        collector.Service.HandlingFailed += (_, _) => Interlocked.Increment(ref failures);
        await collector.StartAsync();
        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-poison"));
        await using var poisoner = await RawDevice.ConnectAsync(broker.Url, "dev-poison");

        var sequence = 0;
        foreach (var (_, poison) in PoisonCases)
        {
            var image = TestRecords.Image(++sequence);
            var json = JsonNode.Parse(TestRecords.Unsigned(sequence, EvidenceSignature.GenesisHash, image, deviceId: "dev-poison").ToJson())!.AsObject();
            poison(json);
            await poisoner.PublishChunkAsync(Guid.Parse((string)json["recordId"]!), 0, 1, image);
            await poisoner.PublishRecordAsync(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        try
        {
            await receipts.WaitForAsync(PoisonCases.Count, TimeSpan.FromSeconds(30)); // every poison answered
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{receipts.Messages.Count} of {PoisonCases.Count} poison records answered: " + string.Join("; ", receipts.Messages.Select(m => Receipt.TryParse(m.Payload.FirstSpan)?.Reason)) + $"; dead letters {collector.Service.Intake.DeadLetters.Count}, failures {failures}");
        }

        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, deviceId: "dev-good");
        await EvidenceFixtures.AppendAsync(device.Outbox, 40, 4096, deviceId: "dev-good");
        var clock = Stopwatch.StartNew();
        await device.StartAsync();
        await collector.WaitForStoredAsync(40, TimeSpan.FromSeconds(60));
        var goodSeconds = clock.Elapsed.TotalSeconds;

        var answers = receipts.Messages.Select(m => Receipt.TryParse(m.Payload.FirstSpan)).ToList();
        Assert.Equal(PoisonCases.Count, answers.Count); // once each: acknowledged, never redelivered
        Assert.All(answers, r => Assert.Equal(ReceiptStatus.Rejected, r!.Status));
        Assert.All(answers, r => Assert.False(string.IsNullOrEmpty(r!.Reason)));
        Assert.Contains(answers, r => r!.Reason!.Contains("'siteId' must be", StringComparison.Ordinal));
        Assert.Contains(answers, r => r!.Reason!.Contains("'workOrder' must be an object, not null", StringComparison.Ordinal));
        Assert.Contains(answers, r => r!.Reason!.Contains("65536", StringComparison.Ordinal)); // the 1 MiB siteId: over the record size limit
        Assert.Equal(0, Volatile.Read(ref failures));
        Assert.Equal(PoisonCases.Count, collector.Service.Intake.DeadLetters.Count);
        Assert.Equal(PoisonCases.Count, Directory.EnumerateFiles(collector.Service.Intake.DeadLetters.Directory, "*.reason.json").Count());
        Assert.Equal(PoisonCases.Count, collector.Service.Health.DeadLettered);
        Assert.All(collector.Stored, r => Assert.Equal("dev-good", r.DeviceId));
        Assert.InRange(goodSeconds, 0, 30); // measured on a loaded 2-core machine: see docs/reliability.md
        Console.WriteLine($"40 good records after {PoisonCases.Count} poison records: stored in {goodSeconds:0.0} s");
    }

    [Fact]
    public async Task A_poison_record_left_from_before_a_restart_is_rejected_once_not_redelivered_forever()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var root = temp.Combine("store");
        var image = TestRecords.Image(1);
        var json = JsonNode.Parse(TestRecords.Unsigned(1, EvidenceSignature.GenesisHash, image, deviceId: "dev-poison").ToJson())!.AsObject();
        json["workOrder"] = null;

        // A persistent session with the poison queued while no collector runs, as after a crash loop.
        await (await CollectorOnce(root, broker.Url)).DisposeAsync();
        await using (var poisoner = await RawDevice.ConnectAsync(broker.Url, "dev-poison"))
        {
            await poisoner.PublishRecordAsync(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        }

        await using var receipts = await MqttObserver.StartAsync(broker.Url, Topics.Receipt("dev-poison"));
        await using var collector = await CollectorOnce(root, broker.Url);
        await receipts.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await using var device = new UplinkHarness(temp.Combine("device"), broker.Url, deviceId: "dev-good");
        await EvidenceFixtures.AppendAsync(device.Outbox, 1, 1024, deviceId: "dev-good");
        await device.StartAsync();
        await collector.WaitForStoredAsync(1, TimeSpan.FromSeconds(30));

        Assert.Single(receipts.Messages);
        Assert.Equal(1, collector.Service.Intake.DeadLetters.Count);
    }

    private static async Task<CollectorHarness> CollectorOnce(string root, string url)
    {
        var collector = new CollectorHarness(root, new BrokerOptions { Url = url }, clientId: "poison-collector", sharedGroup: null);
        await collector.StartAsync();
        return collector;
    }

    public void Dispose() => temp.Dispose();
}
