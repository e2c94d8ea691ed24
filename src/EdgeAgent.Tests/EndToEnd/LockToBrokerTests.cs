using System.Buffers;
using System.Device.Gpio;
using EdgeAgent.Demo;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.EndToEnd;

/// <summary>The walking skeleton's promise: a lock switch edge produces a record on a real broker whose image decodes and matches its hash.</summary>
public sealed class LockToBrokerTests
{
    [Fact]
    public async Task Lock_switch_produces_record_with_matching_image_on_in_process_broker()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await AssertLockProducesVerifiedRecordAsync(broker.Url);
    }

    [Fact]
    public async Task Lock_switch_produces_record_with_matching_image_on_real_mosquitto()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await AssertLockProducesVerifiedRecordAsync(broker.Url);
    }

    private static async Task AssertLockProducesVerifiedRecordAsync(string brokerUrl)
    {
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var device = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var config = AgentConfig.Baseline(temp.Path, brokerUrl);
        config["DeviceId"] = device;

        // Subscribe first, as a collector would, and capture the first record with its image chunks.
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        var chunks = new List<(string RecordId, int Index, byte[] Data)>();
        var records = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic == Topics.Image(device))
            {
                var props = message.UserProperties.ToDictionary(p => p.Name, p => p.ReadValueAsString());
                lock (chunks)
                {
                    chunks.Add((props[Topics.Properties.RecordId], int.Parse(props[Topics.Properties.ChunkIndex], System.Globalization.CultureInfo.InvariantCulture), message.Payload.ToArray()));
                }
            }
            else if (message.Topic == Topics.Evidence(device))
            {
                records.Writer.TryWrite(message.Payload.ToArray());
            }

            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = brokerUrl }, "sub-" + device), cts.Token);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"edgeagent/v1/{device}/#", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);

        await using var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(temp.Path, config)));
        await app.StartAsync(cts.Token);
        var camera = app.Services.GetRequiredService<CameraRegistry>().Get("cam-1");
        await camera.NextFrameAsync(cts.Token); // the camera is live before the lock closes

        // Isolate (manual) so the lock advances the procedure, then close the lock switch through the real GpioController.
        var bus = app.Services.GetRequiredService<TriggerBus>();
        await bus.PublishAndWaitAsync(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", DateTimeOffset.UtcNow, TimeProvider.System.GetTimestamp()) { StepId = "isolated" }, cts.Token);
        Assert.Equal("isolated", EvidenceRecord.FromJson(await records.Reader.ReadAsync(cts.Token)).Step.Id);
        app.Services.GetRequiredService<GpioDriverProvider>().GetSimulated(0).SetInput(17, PinValue.Low);

        // The locked step may send pre-trigger photos first (the template asks for them); the at photo is the lock's photo.
        EvidenceRecord evidence;
        do
        {
            evidence = EvidenceRecord.FromJson(await records.Reader.ReadAsync(cts.Token));
            Assert.Equal("locked", evidence.Step.Id);
        }
        while (evidence.Frame.Role == FrameRole.Pre);

        Assert.Equal(device, evidence.DeviceId);
        Assert.Equal(FrameRole.At, evidence.Frame.Role);
        Assert.Equal("gpio", evidence.Trigger.Source);
        Assert.Equal("lock-a", evidence.Trigger.Input);
        Assert.Equal("unknown", evidence.Trigger.Holder); // no holder configured, no badge scanned

        byte[] image;
        lock (chunks)
        {
            image = chunks.Where(c => c.RecordId == evidence.RecordId.ToString()).OrderBy(c => c.Index).SelectMany(c => c.Data).ToArray();
        }

        Assert.Equal(evidence.Image.Bytes, image.Length);
        Assert.Equal(evidence.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(image)));
        var decoded = JpegEncoder.Decode(image);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));

        // The frame is from after the lock closed: its burned-in production time is not before the trigger.
        var produced = DateTimeOffset.FromUnixTimeMilliseconds(FrameClockStripe.Read(decoded.Pixels, decoded.Width));
        Assert.True(produced >= evidence.Trigger.EdgeTime.AddMilliseconds(-1), $"frame produced {produced:O} before the trigger {evidence.Trigger.EdgeTime:O}");
        await app.StopAsync(CancellationToken.None);
    }
}
