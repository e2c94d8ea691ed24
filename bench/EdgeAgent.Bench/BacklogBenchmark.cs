using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Protocol;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Bench;

/// <summary>
/// Drain of an outbox backlog (records with images, queued during an outage) by the real uplink, against a bare
/// MQTTnet loop publishing the same chunks and records to the same broker.
/// </summary>
public static class BacklogBenchmark
{
    public sealed record Result(int Records, long Bytes, TimeSpan Elapsed)
    {
        public double RecordsPerSecond => Records / Elapsed.TotalSeconds;

        public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;

        /// <summary>This process's CPU (all threads, the bench's camera stream and broker watcher too; not the broker's) per record while timed.</summary>
        public double CpuMsPerRecord { get; init; }

        /// <summary>The broker's CPU (mosquitto's utime + stime) per record while timed; 0 when not read.</summary>
        public double BrokerCpuMsPerRecord { get; init; }
    }

    /// <summary>A broker process's CPU so far (0 without one).</summary>
    internal static TimeSpan BrokerCpu(int? pid) => pid is { } id ? TimeSpan.FromSeconds(ProcStat.CpuSeconds(id)) : TimeSpan.Zero;

    internal static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    public static byte[] SampleImage(BenchOptions options) =>
        JpegEncoder.Encode(new SyntheticFrameSource(options.Width, options.Height, 10, TimeProvider.System).Draw(DateTimeOffset.UtcNow, 1), 85);

    /// <summary>
    /// Records drained (or published) untimed before each side's timed run, twice, each followed by
    /// <see cref="WarmUpPause"/>, so neither pays for its JIT in the ratio: the runtime recompiles hot methods optimised
    /// (tier 1) on a background thread only after their first calls have settled for 100 ms. With one short warm-up
    /// the timed drain paid for that compilation (a fifth of the process's CPU samples) and the bare loop, timed after
    /// it on the same MQTTnet code, did not.
    /// </summary>
    private const int WarmUpRecords = 200;

    private static readonly TimeSpan WarmUpPause = TimeSpan.FromSeconds(1);

    public static async Task<Result> EdgeAgentAsync(BenchOptions options, string brokerUrl, byte[] image)
    {
        foreach (var round in new[] { 1, 2 })
        {
            await DrainAsync(options with { BacklogRecords = WarmUpRecords }, brokerUrl, image, $"bench-backlog-warmup{round}");
            await Task.Delay(WarmUpPause);
        }

        return await DrainAsync(options, brokerUrl, image, "bench-backlog");
    }

    private static async Task<Result> DrainAsync(BenchOptions options, string brokerUrl, byte[] image, string deviceId)
    {
        var agent = new EdgeAgentOptions
        {
            DeviceId = deviceId,
            SiteId = "bench",
            StateDirectory = Path.Combine(options.WorkDirectory, deviceId),
            Broker = options.DeviceBroker(new BrokerOptions { Url = brokerUrl, RequireReceipts = false }),
        };
        using var outbox = EvidenceOutbox.Open(Path.Combine(agent.StateDirectory, "outbox.db"));
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        for (var i = 0; i < options.BacklogRecords; i++)
        {
            var link = await outbox.ReadNextLinkAsync();
            await outbox.AppendAsync(Record(link.Sequence, agent, sha, image.Length) with { PrevHash = link.PrevHash }, image);
        }

        var bytes = (await outbox.StatsAsync()).Bytes;
        await using var watcher = await BrokerWatcher.StartAsync(brokerUrl, $"edgeagent/v1/{deviceId}/evidence");
        using var uplink = new MqttUplinkService(Options.Create(agent), outbox, TimeProvider.System, NullLogger<MqttUplinkService>.Instance);
        var (clock, cpu) = (Stopwatch.StartNew(), ProcessCpu());
        await uplink.StartAsync(CancellationToken.None);
        for (var i = 0; i < options.BacklogRecords; i++)
        {
            await watcher.NextAsync(TimeSpan.FromSeconds(60));
        }

        var (elapsed, used) = (clock.Elapsed, ProcessCpu() - cpu);
        await uplink.StopAsync(CancellationToken.None);
        return new Result(options.BacklogRecords, bytes, elapsed) { CpuMsPerRecord = used.TotalMilliseconds / options.BacklogRecords };
    }

    /// <param name="withSubscriber">
    /// Also a bare MQTTnet subscriber (QoS 1, in this process) that only counts what arrives, timed until it has every
    /// record: the floor of any end-to-end delivery through one broker on this host, before anything is stored. The
    /// publisher then keeps at most <see cref="BrokerOptions.MaxInFlightRecords"/> records ahead of the subscriber, as the
    /// device's window keeps that many ahead of their receipts: a publisher running free filled mosquitto's queue for the
    /// subscriber, and mosquitto then spent 13 times its CPU per record (1.27 ms against 0.10).
    /// </param>
    public static async Task<Result> BareMqttnetAsync(BenchOptions options, string brokerUrl, byte[] image, int? brokerPid = null, bool withSubscriber = false)
    {
        var broker = options.DeviceBroker(new BrokerOptions { Url = brokerUrl }); // the floor keeps the device's window
        var agent = new EdgeAgentOptions { DeviceId = "bench-bare", SiteId = "bench", Broker = broker };
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        var prefix = withSubscriber ? "bench/bare-sub" : "bench/bare";
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(MqttConnectionFactory.Build(broker, "bench-bare"));
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var total = 2 * WarmUpRecords + options.BacklogRecords;
        using var ahead = new SemaphoreSlim(broker.MaxInFlightRecords);
        if (withSubscriber)
        {
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                if (!e.ApplicationMessage.Topic.EndsWith("/evidence", StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }

                ahead.Release();
                if (Interlocked.Increment(ref arrived) == total)
                {
                    all.TrySetResult();
                }

                return Task.CompletedTask;
            };
            await subscriber.ConnectAsync(MqttConnectionFactory.Build(broker, "bench-bare-subscriber"));
            await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(prefix + "/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var records = Enumerable.Range(1, total).Select(i => Record(i, agent, sha, image.Length).ToJson()).ToList();
        long bytes = 0;
        var (clock, cpu, brokerCpu) = (Stopwatch.StartNew(), ProcessCpu(), BrokerCpu(brokerPid));
        foreach (var (i, record) in records.Index())
        {
            if (i > 0 && i <= 2 * WarmUpRecords && i % WarmUpRecords == 0)
            {
                await Task.Delay(WarmUpPause); // as the agent's two warm-up drains
                (bytes, clock, cpu, brokerCpu) = (0, Stopwatch.StartNew(), ProcessCpu(), BrokerCpu(brokerPid));
            }

            if (withSubscriber)
            {
                await ahead.WaitAsync();
            }

            for (var offset = 0; offset < image.Length; offset += broker.MaxChunkBytes)
            {
                var chunk = new ArraySegment<byte>(image, offset, Math.Min(broker.MaxChunkBytes, image.Length - offset));
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(prefix + "/image").WithPayload(chunk)
                    .WithUserProperty("chunk", Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(prefix + "/evidence").WithPayload(record).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            bytes += record.Length + image.Length;
        }

        if (withSubscriber)
        {
            await all.Task.WaitAsync(TimeSpan.FromMinutes(5));
        }

        var (elapsed, used, brokerUsed) = (clock.Elapsed, ProcessCpu() - cpu, BrokerCpu(brokerPid) - brokerCpu);
        await client.DisconnectAsync();
        return new Result(options.BacklogRecords, bytes, elapsed) { CpuMsPerRecord = used.TotalMilliseconds / options.BacklogRecords, BrokerCpuMsPerRecord = brokerUsed.TotalMilliseconds / options.BacklogRecords };
    }

    /// <summary>A plausible record for a backlog item (the drain does not care what the record says).</summary>
    internal static EvidenceRecord Record(long sequence, EdgeAgentOptions agent, string sha, int length) => new()
    {
        RecordId = Guid.CreateVersion7(),
        Sequence = sequence,
        DeviceId = agent.DeviceId,
        SiteId = agent.SiteId,
        PointId = "p1",
        WorkOrder = new WorkOrderStamp("WO-bench", "conveyor-lockout"),
        Step = new StepStamp("locked", 1, new Dictionary<string, string> { ["en"] = "Locked" }, true),
        Trigger = new TriggerStamp("LockOn", "bench", "lock-a", DateTimeOffset.UtcNow, null),
        Frame = new FrameStamp("cam-1", sequence, DateTimeOffset.UtcNow, 1280, 720) { ProducedAt = DateTimeOffset.UtcNow, ProducedBasis = EdgeAgent.Protocol.ProducedBasis.Arrival, OffsetMs = 10, Role = EdgeAgent.Protocol.FrameRole.At },
        Image = new ImageStamp(sha, length),
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
