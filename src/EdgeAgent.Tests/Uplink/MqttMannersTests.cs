using System.Text;
using System.Threading.Channels;
using EdgeAgent.Tests.Outbox;

namespace EdgeAgent.Tests.Uplink;

/// <summary>How the agent and the collector behave towards a real Mosquitto: clean goodbyes and patient retries.</summary>
public sealed class MqttMannersTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_leaves_the_retained_status_offline()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var temp = new TempDirectory();
        var config = AgentConfig.Write(temp.Path, AgentConfig.Baseline(temp.Path, broker.Url));
        await using var status = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
        using var agent = await AgentProcess.StartAsync(config, temp.Combine("control.sock"));
        await status.WaitForAsync(1, Bound);
        Assert.Equal("online", Encoding.UTF8.GetString(status.Messages[0].Payload));

        var exit = await agent.TerminateAsync(Bound);

        Assert.Equal(0, exit);
        // A newcomer reads the retained value: offline, set by the agent itself (a normal DISCONNECT fires no will).
        await using var later = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
        await later.WaitForAsync(1, Bound);
        Assert.Equal("offline", Encoding.UTF8.GetString(later.Messages[0].Payload));
        Assert.True(later.Messages[0].Retain);

        // Plain logs (no systemd): one line per event, with a UTC timestamp, the level and the event id.
        lock (agent.Output)
        {
            Assert.Contains(agent.Output, line => line.Contains("[5008] Stopping: retained status set to offline", StringComparison.Ordinal));
            Assert.All(agent.Output.Where(line => line.Length > 0), line => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn|fail|crit|dbug|trce): \S+\[\d+\] ", line));
        }
        lock (broker.Log)
        {
            Assert.Contains(broker.Log, line => line.Contains("Client test-device disconnected.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Collector_stopped_with_sigterm_says_disconnect_and_mosquitto_sees_no_protocol_error()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        using var temp = new TempDirectory();
        var collector = await CollectorProcess.StartAsync("--broker", broker.Url, "-o", temp.Path, "--client-id", "manners-collector");

        var exit = await collector.TerminateAsync(Bound);

        Assert.Equal(0, exit);
        lock (broker.Log)
        {
            var log = string.Join('\n', broker.Log);
            Assert.Contains("Client manners-collector disconnected.", log, StringComparison.Ordinal);
            Assert.DoesNotContain("protocol error", log, StringComparison.OrdinalIgnoreCase);
        }

        await collector.DisposeAsync();
    }

    [Fact]
    public async Task A_broker_that_refuses_every_publish_is_retried_with_growing_delays()
    {
        // Anonymous clients may connect and read, not write: every evidence publish is answered NotAuthorized.
        using var temp = new TempDirectory();
        var acl = temp.Combine("acl");
        await File.WriteAllTextAsync(acl, "topic read #\n");
        await using var broker = await MosquittoProcess.StartAsync($"acl_file {acl}");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = new UplinkHarness(temp.Path, broker.Url, timeProvider: time);
        await EvidenceFixtures.AppendAsync(harness.Outbox, 1, 2000);
        var delays = Channel.CreateUnbounded<TimeSpan>();
        harness.Uplink.BackingOff += (_, delay) => delays.Writer.TryWrite(delay);

        await harness.StartAsync();
        var seen = new List<double>();
        var attempts = 0;
        for (var i = 0; i < 6; i++)
        {
            var delay = await delays.Reader.ReadAsync().AsTask().WaitAsync(Bound);
            seen.Add(delay.TotalSeconds);
            attempts = harness.Uplink.Attempts; // before advancing: the next attempt starts as soon as the delay is over
            time.Advance(delay);
        }

        // 1, 2, 4, 8, 16, 32 s with ±20 % jitter: each at least a third longer than the one before.
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] >= seen[i - 1] * 1.3, $"delays did not grow: {string.Join(", ", seen.Select(s => s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        Assert.InRange(seen[^1], 32 * 0.8, 32 * 1.2);
        Assert.Equal(6, attempts);
    }
}
