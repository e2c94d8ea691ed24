using System.Device.Gpio;
using System.Text.Json;
using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Evidence;
using EdgeAgent.Hosting;
using EdgeAgent.Triggers;
using EdgeAgent.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Demo;

/// <summary>
/// Plays one conveyor lockout job end to end in one process: broker (unless given), collector, and an
/// agent with a simulated lock switch and a synthetic camera. Everything lands under the output directory.
/// </summary>
public sealed class DemoRunner(string outputDirectory, string? brokerUrl, TextWriter console)
{
    public const string PointId = "conveyor-1";
    public const string LockInput = "lock-a";
    private const int LockLine = 17;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(root);
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

        await using var broker = brokerUrl is null ? await InProcessBroker.StartAsync(cancellationToken) : null;
        var url = brokerUrl ?? broker!.Url;
        console.WriteLine($"broker     {url}{(broker is null ? "" : " (in-process MQTTnet broker)")}");

        var collectorRoot = Path.Combine(root, "collector");
        var keysDirectory = EnrolDemoDevice(root);
        await using var collector = new CollectorService(
            new CollectorOptions { Broker = new BrokerOptions { Url = url }, OutputDirectory = collectorRoot, ClientId = "demo-collector-" + Guid.NewGuid().ToString("N")[..8], KeysDirectory = keysDirectory },
            loggerFactory.CreateLogger<CollectorService>());
        var stored = new StoredCounter();
        collector.RecordStored += (_, record) => stored.Add(record);
        await collector.StartAsync(cancellationToken);
        console.WriteLine($"collector  storing under {collectorRoot}, checking signatures against {keysDirectory}");

        var configPath = WriteAgentConfig(root, url);
        console.WriteLine($"agent      config {configPath}");
        await using var app = AgentHost.Build(ConfigLoader.Build(configPath), configureLogging: l => l.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync(cancellationToken);

        var bus = app.Services.GetRequiredService<TriggerBus>();
        var gpio = app.Services.GetRequiredService<GpioDriverProvider>().GetSimulated(0);
        var time = TimeProvider.System;
        var script = new (string Say, Action Act)[]
        {
            ("isolate the conveyor at its isolator (manual confirmation)", () => Manual(bus, time, "isolated")),
            ("hang personal lock on the isolator (lock switch closes)", () => gpio.SetInput(LockLine, PinValue.Low)),
            ("verify zero energy: try the start button (manual confirmation)", () => Manual(bus, time, "zero-energy-verified")),
            ("repair done, clear the area (manual confirmation)", () => Manual(bus, time, "area-cleared")),
            ("remove personal lock (lock switch opens)", () => gpio.SetInput(LockLine, PinValue.High)),
            ("restore power and test run (manual confirmation)", () => Manual(bus, time, "restored")),
        };

        var failed = false;
        for (var i = 0; i < script.Length; i++)
        {
            var waiting = stored.WaitForAsync(i + 1);
            script[i].Act();
            EvidenceRecord record;
            try
            {
                record = await waiting.WaitAsync(StepTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                console.WriteLine($"step {i + 1}  {script[i].Say}: no record reached the collector within {StepTimeout.TotalSeconds} s");
                failed = true;
                break;
            }

            console.WriteLine($"step {i + 1}     {script[i].Say}");
            console.WriteLine($"           -> record #{record.Sequence} step '{record.Step.Id}' ({record.Step.Names.GetValueOrDefault("zh")}), trigger {record.Trigger.Source}/{record.Trigger.Kind}, frame age {record.Frame.AgeMs} ms{(record.Findings.Count > 0 ? ", findings: " + string.Join("; ", record.Findings) : "")}");
        }

        await app.StopAsync(CancellationToken.None);
        using var keys = new EnrolledKeys();
        keys.Add("demo-device", DeviceKey.ImportPublicKey(app.Services.GetRequiredService<DeviceKey>().PublicKeyPem));
        var report = EvidenceVerifier.Verify(collectorRoot, keys, app.Services.GetRequiredService<Procedure.ProcedureRegistry>().Templates);
        console.WriteLine();
        console.WriteLine($"verify     {report.Records} records, {(report.Ok ? "chain, signatures, image hashes and completeness OK" : string.Join("; ", report.Problems))}");
        console.WriteLine($"look at    {collectorRoot}");
        foreach (var (json, image) in collector.Store.Enumerate().Order())
        {
            console.WriteLine($"           {Path.GetRelativePath(root, image)}");
        }

        var pages = new Reporting.ReportGenerator(TimeProvider.System).Generate(collectorRoot, Path.Combine(root, "report"), app.Services.GetRequiredService<Procedure.ProcedureRegistry>().Templates, keys);
        console.WriteLine();
        console.WriteLine($"report     {pages.Jobs.Count} job(s), {pages.Records} records; open in a browser:");
        console.WriteLine($"           {pages.IndexPath}");
        return failed || !report.Ok ? 1 : 0;
    }

    private static void Manual(TriggerBus bus, TimeProvider time, string step) =>
        bus.Publish(new TriggerEvent(PointId, TriggerKind.Manual, "demo", "demo-script", time.GetUtcNow(), time.GetTimestamp()) { StepId = step, Operator = "demo-operator" });

    /// <summary>Makes the demo device's key now (the agent loads it at start) and enrols its public half at the collector, as <c>edgeagent key</c> would.</summary>
    private static string EnrolDemoDevice(string root)
    {
        using var key = DeviceKey.LoadOrCreate(Path.Combine(root, "agent"));
        var keys = Path.Combine(root, "keys");
        Directory.CreateDirectory(keys);
        File.WriteAllText(Path.Combine(keys, "demo-device.pem"), key.PublicKeyPem);
        return keys;
    }

    private static string WriteAgentConfig(string root, string brokerUrl)
    {
        var agentDir = Path.Combine(root, "agent");
        Directory.CreateDirectory(agentDir);
        var config = new
        {
            DeviceId = "demo-device",
            SiteId = "demo-site",
            StateDirectory = agentDir,
            Broker = new { Url = brokerUrl },
            Gpio = new { Driver = "simulated" },
            Control = new { SocketPath = Path.Combine(agentDir, "control.sock") },
            Points = new[] { new { Id = PointId, Procedure = "conveyor-lockout", Cameras = new[] { "cam-1" } } },
            Cameras = new[] { new { Id = "cam-1", Kind = "synthetic", Width = 640, Height = 360, Fps = 10 } },
            Inputs = new[] { new { Id = LockInput, Point = PointId, Chip = 0, Line = LockLine, ActiveLow = true, DebounceMs = 50 } },
        };
        var path = Path.Combine(agentDir, "edgeagent.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config, Indented));
        return path;
    }

    /// <summary>Counts stored records and lets the script await the n-th.</summary>
    private sealed class StoredCounter
    {
        private readonly List<EvidenceRecord> records = [];
        private readonly List<(int Count, TaskCompletionSource<EvidenceRecord> Done)> waiters = [];

        public void Add(EvidenceRecord record)
        {
            lock (records)
            {
                records.Add(record);
                foreach (var waiter in waiters.Where(w => records.Count >= w.Count).ToList())
                {
                    waiters.Remove(waiter);
                    waiter.Done.TrySetResult(records[waiter.Count - 1]);
                }
            }
        }

        public Task<EvidenceRecord> WaitForAsync(int count)
        {
            lock (records)
            {
                if (records.Count >= count)
                {
                    return Task.FromResult(records[count - 1]);
                }

                var done = new TaskCompletionSource<EvidenceRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add((count, done));
                return done.Task;
            }
        }
    }
}
