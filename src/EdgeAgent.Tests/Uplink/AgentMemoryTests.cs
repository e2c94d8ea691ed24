using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>
/// Issue 14, attack 6 on the device side: a 64 MiB command used to raise the agent's RSS by 128 MiB. The agent
/// announces a 64 KiB Maximum Packet Size in CONNECT, so mosquitto drops it for the agent instead of delivering it.
/// </summary>
public sealed class AgentMemoryTests : IDisposable
{
    private const long RssBoundBytes = 16L * 1024 * 1024;

    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_64_MiB_command_never_reaches_the_agent_its_peak_RSS_grows_under_16_MiB_and_it_still_answers()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var online = await MqttObserver.StartAsync(broker.Url, Topics.Status("test-device"));
        var config = AgentConfig.Write(temp.Path, AgentConfig.Baseline(temp.Combine("state"), broker.Url));
        using var agent = await AgentProcess.StartAsync(config, Path.Combine(temp.Combine("state"), "control.sock"));
        await online.WaitForAsync(1, TimeSpan.FromSeconds(60)); // connected and subscribed
        await using var ops = await MqttObserver.StartAsync(broker.Url, Topics.Response("test-device") + "/#");
        await using var attacker = await RawDevice.ConnectAsync(broker.Url, "ops");
        var status = new MqttApplicationMessageBuilder().WithTopic(Topics.Command("test-device")).WithPayload("""{"command":"status"}"""u8.ToArray())
            .WithResponseTopic(Topics.Response("test-device") + "/ops").WithCorrelationData([1]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        await attacker.Client.PublishAsync(status);
        await ops.WaitForAsync(1, TimeSpan.FromSeconds(60)); // warm: the command path has run once
        var before = agent.PeakRssBytes;

        var huge = Encoding.UTF8.GetBytes("{\"command\":\"status\",\"pad\":\"" + new string('x', 64 * 1024 * 1024) + "\"}");
        await attacker.PublishAsync(Topics.Command("test-device"), huge);
        await attacker.Client.PublishAsync(status); // queued behind the huge one: its answer means the huge one was dropped or handled
        await ops.WaitForAsync(2, TimeSpan.FromSeconds(60));
        var growth = agent.PeakRssBytes - before;

        Console.WriteLine($"agent peak RSS before {before / 1048576.0:0.0} MiB, after a 64 MiB command {agent.PeakRssBytes / 1048576.0:0.0} MiB (+{growth / 1048576.0:0.0} MiB)");
        Assert.InRange(growth, 0, RssBoundBytes);
        Assert.Equal(2, ops.Messages.Count); // the huge command got no answer at all: it never arrived
    }

    public void Dispose() => temp.Dispose();
}
