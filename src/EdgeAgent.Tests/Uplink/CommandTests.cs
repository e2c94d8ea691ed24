using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>MQTT 5 request/response on the device's command topic, against the whole agent and a real mosquitto.</summary>
public sealed class CommandTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDirectory temp = new();

    /// <summary>The agent on the baseline config, started, once its birth message shows it has subscribed to its command topic.</summary>
    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartAgentAsync(MosquittoProcess broker)
    {
        var configPath = AgentConfig.Write(temp.Path, AgentConfig.Baseline(temp.Combine("agent"), broker.Url));
        var app = AgentHost.Build(ConfigLoader.Build(configPath), configureLogging: l => l.ClearProviders());
        try
        {
            await using var status = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/status");
            await app.StartAsync();
            await status.WaitForAsync(1, Patience);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Commands_are_answered_on_their_response_topic_and_bad_ones_change_nothing()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var app = await StartAgentAsync(broker);
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
        // Work orders: abort the job capture-now opened, refuse a second abort, open one by id, refuse a second open.
        var openBeforeAbort = state.GetProperty("result").GetProperty("points")[0].GetProperty("workOrder").GetString();
        var aborted = await AskAsync("""{"schema":"edgeagent.command/1","command":"abort-work-order","point":"conveyor-1","reason":"wrong belt"}""");
        Assert.True(aborted.GetProperty("ok").GetBoolean(), aborted.ToString());
        Assert.NotNull(openBeforeAbort);
        Assert.Equal(openBeforeAbort, aborted.GetProperty("result").GetProperty("workOrder").GetString()); // the job it closed
        var depth = (await outbox.StatsAsync()).Count;
        Assert.False((await AskAsync("""{"command":"abort-work-order","point":"conveyor-1"}""")).GetProperty("ok").GetBoolean());
        var opened = await AskAsync("""{"command":"start-work-order","point":"conveyor-1","workOrder":"WO-42","operator":"alice"}""");
        Assert.True(opened.GetProperty("ok").GetBoolean(), opened.ToString());
        Assert.Equal("WO-42", opened.GetProperty("result").GetProperty("workOrder").GetString());
        var depthAfterStart = (await outbox.StatsAsync()).Count;
        var again = await AskAsync("""{"command":"start-work-order","point":"conveyor-1","workOrder":"WO-43"}""");
        Assert.False(again.GetProperty("ok").GetBoolean());
        Assert.Contains("WO-42", again.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.InRange(depthAfterStart, depth, depth + 10);
        Assert.Equal(depthAfterStart, (await outbox.StatsAsync()).Count);
        var points = (await AskAsync("""{"command":"status"}""")).GetProperty("result").GetProperty("points");
        Assert.Equal("WO-42", points[0].GetProperty("workOrder").GetString());
        await app.StopAsync();
    }

    [Fact]
    public async Task Command_with_duplicate_members_or_invalid_utf8_gets_an_error_answer_and_nothing_runs()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var app = await StartAgentAsync(broker);
        await using var ops = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/response/#");
        byte[][] requests =
        [
            """{"command":"status","command":"capture-now","point":"conveyor-1"}"""u8.ToArray(),
            """{"command":"capture-now","point":"conveyor-1","point":"conveyor-1"}"""u8.ToArray(),
            [.. "{\"command\":\"capture-now\",\"operator\":\"al"u8, 0xC3, 0x28, .. "\"}"u8],
            [.. "{\"command\":\"capture-now\",\"op"u8, 0xFF, .. "\":\"x\"}"u8],
        ];

        for (var i = 0; i < requests.Length; i++)
        {
            await ops.Client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("edgeagent/v1/test-device/command").WithPayload(requests[i])
                .WithResponseTopic("edgeagent/v1/test-device/response/ops").WithCorrelationData([(byte)i])
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            await ops.WaitForAsync(i + 1, Patience); // an answer, not silence
            var answer = JsonDocument.Parse(ops.Messages[i].Payload.ToArray()).RootElement;
            Assert.Equal([(byte)i], ops.Messages[i].CorrelationData);
            Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
            Assert.Contains(i < 2 ? "duplicate" : "UTF-8", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, (await app.Services.GetRequiredService<EvidenceOutbox>().StatsAsync()).Count);
        await app.StopAsync();
    }

    [Fact]
    public async Task Persistent_session_keeps_a_command_sent_while_the_agent_was_offline()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var status = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/sess-dev/status");
        await using (var first = new UplinkHarness(temp.Combine("a"), broker.Url, deviceId: "sess-dev"))
        {
            await first.StartAsync();
            await status.WaitForAsync(1, Patience); // connected and subscribed
        }

        await using var ops = await MqttObserver.StartAsync(broker.Url, "edgeagent/v1/sess-dev/response/#");
        await ops.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("edgeagent/v1/sess-dev/command").WithPayload("""{"command":"status"}"""u8.ToArray())
            .WithResponseTopic("edgeagent/v1/sess-dev/response/ops").WithCorrelationData([42])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await using var second = new UplinkHarness(temp.Combine("b"), broker.Url, deviceId: "sess-dev");
        await second.StartAsync();
        await ops.WaitForAsync(1, Patience);

        Assert.Equal([(byte)42], ops.Messages[0].CorrelationData);
        Assert.Contains("no commands in this test", Encoding.UTF8.GetString(ops.Messages[0].Payload), StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
