using System.Text.Json.Nodes;
using EdgeAgent.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeAgent.Tests.Health;

/// <summary>
/// A whole agent in-process (<see cref="AgentHost.Build"/>) against MQTTnet's in-process broker, in a temp directory.
/// Disposing it fails the test if the agent logged an error the test did not allow (<see cref="AllowErrors"/>).
/// </summary>
public sealed class AgentHarness : IAsyncDisposable
{
    private readonly TempDirectory directory;
    private readonly InProcessBroker broker;
    private readonly TaskCompletionSource online = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool started;

    private AgentHarness(TempDirectory directory, InProcessBroker broker, WebApplication app, string socketPath, string configPath, ErrorLogGuard errors)
    {
        this.directory = directory;
        Errors = errors;
        this.broker = broker;
        App = app;
        SocketPath = socketPath;
        ConfigPath = configPath;
        broker.Server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Topic == EdgeAgent.Protocol.Topics.Status("test-device") && e.ApplicationMessage.ConvertPayloadToString() == "online")
            {
                online.TrySetResult();
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Completes when the agent's uplink is connected and has announced itself online.</summary>
    public Task UplinkOnline => online.Task;

    public WebApplication App { get; }

    public string SocketPath { get; }

    public string ConfigPath { get; }

    public InProcessBroker Broker => broker;

    /// <summary>Errors the agent logged; any not allowed fails the test at dispose.</summary>
    public ErrorLogGuard Errors { get; }

    /// <summary>This test provokes errors containing these fragments (message, category or event id): they do not fail it.</summary>
    public AgentHarness AllowErrors(params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Errors.Allow(fragment);
        }

        return this;
    }

    public string Combine(params string[] parts) => directory.Combine(parts);

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Builds (but does not start) an agent with the baseline config, bent by <paramref name="editConfig"/>.</summary>
    public static async Task<AgentHarness> BuildAsync(Action<JsonObject>? editConfig = null, Action<IServiceCollection>? services = null)
    {
        var directory = new TempDirectory();
        var broker = await InProcessBroker.StartAsync();
        var config = AgentConfig.Baseline(directory.Path, broker.Url);
        editConfig?.Invoke(config);
        var path = AgentConfig.Write(directory.Path, config);
        var errors = new ErrorLogGuard();
        var app = AgentHost.Build(ConfigLoader.Build(path), services, logging => logging.ClearProviders().AddProvider(errors));
        return new AgentHarness(directory, broker, app, config["Control"]![nameof(ControlOptions.SocketPath)]!.GetValue<string>(), path, errors);
    }

    public static async Task<AgentHarness> StartAsync(Action<JsonObject>? editConfig = null, Action<IServiceCollection>? services = null)
    {
        var agent = await BuildAsync(editConfig, services);
        await agent.StartAsync();
        return agent;
    }

    public async Task StartAsync()
    {
        await App.StartAsync();
        started = true;
    }

    public async Task StopAsync()
    {
        if (started)
        {
            started = false;
            await App.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        await broker.DisposeAsync();
        directory.Dispose();
        Errors.AssertNoUnexpected();
    }
}
