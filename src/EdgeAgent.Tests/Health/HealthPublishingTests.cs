using EdgeAgent.Evidence;
using System.Buffers;
using System.Device.Gpio;
using System.Text.Json;
using System.Threading.Channels;
using EdgeAgent.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MQTTnet;

namespace EdgeAgent.Tests.Health;

public sealed class HealthPublishingTests
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Health_is_published_retained_and_again_when_an_input_changes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await AgentHarness.BuildAsync(services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
            s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras));
            s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(true)));
        });
        var published = Channel.CreateUnbounded<HealthReport>();
        agent.Get<HealthMonitor>().Published += (_, r) => published.Writer.TryWrite(r);
        await agent.StartAsync();
        var frame = agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync();
        cameras["cam-1"].Push();
        await frame.WaitAsync(TimeSpan.FromSeconds(10));
        await agent.UplinkOnline.WaitAsync(TimeSpan.FromSeconds(10));

        // The check at start-up may already have published (camera still starting); the next one has the camera.
        time.Advance(CheckInterval);
        HealthReport first;
        do
        {
            first = await published.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        while (first.Cameras.Single().State != "connected");

        // A subscriber that arrives later still gets the last report: it is retained.
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        var messages = Channel.CreateUnbounded<HealthReport>();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            messages.Writer.TryWrite(JsonSerializer.Deserialize<HealthReport>(e.ApplicationMessage.Payload.ToArray(), HealthJson.Options)!);
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", agent.Broker.Port).WithClientId("dashboard").Build());
        await subscriber.SubscribeAsync("edgeagent/v1/test-device/health");
        var retained = await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("test-device", retained.Device);
        Assert.False(retained.Inputs.Single().Locked);

        // The lock goes on: the next check publishes at once, long before the 60 s period.
        agent.Get<GpioDriverProvider>().GetSimulated(0).SetInput(17, PinValue.Low);
        time.Advance(CheckInterval);
        var changed = await messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(changed.Inputs.Single().Locked);
        Assert.Equal("low", changed.Inputs.Single().Level);
    }

    [Fact]
    public async Task An_unchanged_report_is_republished_only_when_the_period_is_over()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cameras = new ManualFrameSourceFactory();
        await using var agent = await AgentHarness.BuildAsync(
            c =>
            {
                c["Health"] = new System.Text.Json.Nodes.JsonObject { ["CheckIntervalSeconds"] = 5, ["PublishIntervalSeconds"] = 30, ["FrameStallSeconds"] = 3600 };
                c["Cameras"]![0]!["HangTimeoutMs"] = 600_000; // one pushed frame must not look like a hung stream within the test
            },
            s =>
            {
                s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
                s.Replace(ServiceDescriptor.Singleton<IFrameSourceFactory>(cameras));
                s.Replace(ServiceDescriptor.Singleton<IClockSyncProbe>(new FixedClockSyncProbe(true)));
            });
        var checks = Channel.CreateUnbounded<(HealthReport Report, bool Published)>();
        var monitor = agent.Get<HealthMonitor>();
        HealthReport? lastPublished = null;
        monitor.Published += (_, r) => lastPublished = r;
        monitor.Checked += (_, r) => checks.Writer.TryWrite((r, ReferenceEquals(r, lastPublished)));
        await agent.StartAsync();
        await checks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)); // the check at start-up
        var frame = agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync();
        cameras["cam-1"].Push();
        await frame.WaitAsync(TimeSpan.FromSeconds(10));
        await agent.UplinkOnline.WaitAsync(TimeSpan.FromSeconds(10));

        // Settle: advance until a report with the camera connected and the broker up has been published.
        (HealthReport Report, bool Published) check;
        do
        {
            time.Advance(TimeSpan.FromSeconds(5));
            check = await checks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        while (!(check.Published && check.Report.Broker.Connected && check.Report.Cameras.Single().State == "connected"));

        var published = new List<bool>();
        var signatures = new List<string> { check.Report.Signature() };
        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var next = await checks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            published.Add(next.Published);
            signatures.Add(next.Report.Signature());
        }

        Assert.True(published.SequenceEqual([false, false, false, false, false, true]), "30 s after the last publish, and not before; signatures:\n" + string.Join("\n", signatures));
    }
}
