using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeAgent.Control;
using EdgeAgent.Demo;
using EdgeAgent.Tests.Health;
using EdgeAgent.Uplink;
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

    [Fact]
    public async Task A_real_scrape_passes_promtool_and_the_latency_histograms_fill_during_a_job()
    {
        var port = InProcessBroker.FreeTcpPort();
        await using var agent = await AgentHarness.StartAsync(c => c["Health"] = new JsonObject { ["MetricsPort"] = port });
        await using var collector = new CollectorHarness(agent.Combine("collector"), new() { Url = agent.Broker.Url }, sharedGroup: null); // the in-process broker has no shared subscriptions
        await collector.StartAsync();
        var delivered = 0;
        var allDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var records = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Get<MqttUplinkService>().Window.Delivered += async (_, count) =>
        {
            if (Interlocked.Add(ref delivered, count) >= await records.Task)
            {
                allDelivered.TrySetResult();
            }
        };

        using (var control = new ControlClient(agent.SocketPath))
        using (var response = await control.TriggerAsync(new TriggerRequest("conveyor-1", null, null, "isolated", "tester", "test")))
        {
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            records.SetResult(body.RootElement.GetProperty("records").GetArrayLength());
        }

        await allDelivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var text = await http.GetStringAsync("metrics");

        var made = await records.Task;
        Assert.Contains($"edgeagent_records_made_total {made}\n", text, StringComparison.Ordinal);
        Assert.Contains($"edgeagent_records_stored_total {made}\n", text, StringComparison.Ordinal);
        Assert.Contains($"edgeagent_edge_to_outbox_seconds_count {made}\n", text, StringComparison.Ordinal);
        Assert.Contains($"edgeagent_edge_to_stored_seconds_count {made}\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE edgeagent_edge_to_stored_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("process_cpu_seconds_total ", text, StringComparison.Ordinal);
        Assert.Contains("process_working_set_bytes ", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_collection_count_total{generation=\"0\"} ", text, StringComparison.Ordinal);
        Assert.Contains("edgeagent_camera_connected{camera=\"cam-1\"} 1\n", text, StringComparison.Ordinal);
        var (exit, lint) = await PromtoolCheckAsync(text);
        Assert.True(exit == 0 && lint.Length == 0, $"promtool check metrics exited {exit}: {lint}\n{text}");
    }

    /// <summary>Debian's promtool (package prometheus) lints an exposition read from stdin.</summary>
    internal static async Task<(int Exit, string Output)> PromtoolCheckAsync(string exposition)
    {
        var info = new ProcessStartInfo("promtool", ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var promtool = Process.Start(info)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (promtool.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
