using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeAgent.Configuration;
using EdgeAgent.Hosting;
using EdgeAgent.Outbox;
using EdgeAgent.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>MQTT 5 request/response on the device's command topic, against the whole agent and a real mosquitto.</summary>
public sealed class CommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Commands_are_answered_on_their_response_topic_and_bad_ones_change_nothing()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var configPath = AgentConfig.Write(temp.Path, AgentConfig.Baseline(temp.Combine("agent"), broker.Url));
        await using var app = AgentHost.Build(ConfigLoader.Build(configPath), configureLogging: l => l.ClearProviders());
        await using var status = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
        await app.StartAsync();
        await status.WaitForAsync(1, Patience); // birth: the agent has subscribed to its command topic
        var outbox = app.Services.GetRequiredService<EvidenceOutbox>();
        await using var ops = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/response/#");
        var answers = 0;

        async Task<JsonElement> AskAsync(string payload, string responseTopic = "edgeagent/v1/test-device/response/ops")
        {
            var correlation = Guid.NewGuid().ToByteArray();
            await ops.Client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("edgeagent/v1/test-device/command").WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithResponseTopic(responseTopic).WithCorrelationData(correlation)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await ops.WaitForAsync(++answers, Patience);
            var answer = ops.Messages[answers - 1];
            Assert.Equal(correlation, answer.CorrelationData);
            return JsonDocument.Parse(answer.Payload.ToArray()).RootElement.Clone();
        }

        var captured = await AskAsync("""{"command":"capture-now","point":"conveyor-1","step":"isolated","operator":"alice"}""");
        Assert.True(captured.GetProperty("ok").GetBoolean(), captured.ToString());
        Assert.Equal(1, captured.GetProperty("result").GetProperty("records").GetArrayLength());
        Assert.Equal(1, (await outbox.StatsAsync()).Count);

        foreach (var bad in new[]
        {
            """{"command":"self-destruct"}""",
            """{"command":"capture-now","point":"no-such-point"}""",
            """{"command":"capture-now","point":"../../etc"}""",
            """{"command":"capture-now","extra":"field"}""",
            """{"command":"capture-now","point":42}""",
            """{"command":"start-work-order","point":"conveyor-1"}""",
            "not json at all",
            "[1,2,3]",
            "{\"command\":\"capture-now\",\"operator\":\"" + new string('x', 5000) + "\"}",
        })
        {
            var answer = await AskAsync(bad);
            Assert.False(answer.GetProperty("ok").GetBoolean(), bad);
            Assert.False(string.IsNullOrEmpty(answer.GetProperty("error").GetString()));
        }

        // A response topic outside the device's own tree is refused (the ACL would refuse it too); nothing is done.
        var hijack = await AskAsync("""{"command":"capture-now"}""", responseTopic: "edgeagent/v1/other-device/receipt");
        Assert.False(hijack.GetProperty("ok").GetBoolean());
        Assert.Equal("edgeagent/v1/test-device/response", ops.Messages[^1].Topic);

        Assert.Equal(1, (await outbox.StatsAsync()).Count);
        var state = await AskAsync("""{"command":"status"}""");
        Assert.Equal(1, state.GetProperty("result").GetProperty("outbox").GetProperty("records").GetInt64());
        var work = await AskAsync("""{"command":"abort-work-order","point":"conveyor-1"}""");
        Assert.False(work.GetProperty("ok").GetBoolean()); // no IWorkOrderControl registered in this build
        await app.StopAsync();
    }

    public void Dispose() => temp.Dispose();
}
