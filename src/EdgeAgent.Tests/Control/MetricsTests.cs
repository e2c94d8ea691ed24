using System.Text.Json.Nodes;
using EdgeAgent.Capture;
using EdgeAgent.Demo;
using EdgeAgent.Tests.Health;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeAgent.Tests.Control;

public sealed class MetricsTests
{
    [Fact]
    public async Task By_default_the_agent_listens_on_its_unix_socket_only()
    {
        await using var agent = await AgentHarness.StartAsync();

        var addresses = agent.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

        Assert.All(addresses, a => Assert.StartsWith("http://unix:", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_port_serves_prometheus_text_on_loopback_and_nothing_else()
    {
        var port = InProcessBroker.FreeTcpPort();
        await using var agent = await AgentHarness.StartAsync(c => c["Health"] = new JsonObject { ["MetricsPort"] = port });
        await agent.Get<CameraRegistry>().Get("cam-1").NextFrameAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var metrics = await http.GetAsync("metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        using var control = await http.GetAsync("v1/health");

        Assert.True(metrics.IsSuccessStatusCode, text);
        Assert.StartsWith("text/plain; version=0.0.4", metrics.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("edgeagent_camera_connected{camera=\"cam-1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("edgeagent_input_locked{input=\"lock-a\",point=\"conveyor-1\"} 0\n", text, StringComparison.Ordinal);
        Assert.Matches(@"edgeagent_outbox_depth 0\n", text);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, control.StatusCode);
        var addresses = agent.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Contains($"http://127.0.0.1:{port}", addresses);
    }
}
