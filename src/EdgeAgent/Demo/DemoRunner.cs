using System.Device.Gpio;
using System.Text.Json;
using EdgeAgent.Central;
using EdgeAgent.Central.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Hosting;
using EdgeAgent.Triggers;
using EdgeAgent.Central.Verification;
using EdgeAgent.Protocol;
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

        await using var broker = brokerUrl is null ? await InProcessBroker.StartAsync(cancellationToken) : null;
        var url = brokerUrl ?? broker!.Url;
        console.WriteLine($"broker     {url}{(broker is null ? "" : " (in-process MQTTnet broker)")}");

        var collectorRoot = Path.Combine(root, "collector");
        var keysDirectory = EnrolDemoDevice(root);
        await using var central = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddEvidenceCollector(new CollectorOptions { Broker = new BrokerOptions { Url = url }, OutputDirectory = collectorRoot, ClientId = "demo-collector-" + Guid.NewGuid().ToString("N")[..8], KeysDirectory = keysDirectory })
            .BuildServiceProvider();
        var collector = central.GetRequiredService<CollectorService>();
        var stored = new StoredCounter();
        collector.RecordStored += (_, record) => stored.Add(record);
        await collector.StartAsync(cancellationToken);
        console.WriteLine($"collector  storing under {collectorRoot}, checking signatures against {keysDirectory}");

        var collectorKey = Path.Combine(root, "agent", "collector-receipt.pub.pem"); // the demo enrols its collector's receipt key on the agent
        File.WriteAllText(collectorKey, collector.ReceiptKey.PublicKeyPem);
        var configPath = WriteAgentConfig(root, url, collectorKey);
        console.WriteLine($"agent      config {configPath}");
        await using var app = AgentHost.Build(ConfigLoader.Build(configPath), configureLogging: l => l.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync(cancellationToken);

        var bus = app.Services.GetRequiredService<TriggerBus>();
        var gpio = app.Services.GetRequiredService<GpioDriverProvider>().GetSimulated(0);
        var time = TimeProvider.System;
        var script = new (string Say, string Step, Action Act)[]
        {
            ("isolate the conveyor at its isolator (manual confirmation)", "isolated", () => Manual(bus, time, "isolated")),
            ("hang personal lock on the isolator (lock switch closes)", "locked", () => gpio.SetInput(LockLine, PinValue.Low)),
            ("verify zero energy: try the start button (manual confirmation)", "zero-energy-verified", () => Manual(bus, time, "zero-energy-verified")),
            ("repair done, clear the area (manual confirmation)", "area-cleared", () => Manual(bus, time, "area-cleared")),
            ("remove personal lock (lock switch opens)", "lock-removed", () => gpio.SetInput(LockLine, PinValue.High)),
            ("restore power and test run (manual confirmation)", "restored", () => Manual(bus, time, "restored")),
        };
        var outbox = app.Services.GetRequiredService<Outbox.EvidenceOutbox>();
        var recorder = app.Services.GetRequiredService<RecorderActivity>();

        var failed = false;
        for (var i = 0; i < script.Length; i++)
        {
            var first = stored.WaitForStepAsync(script[i].Step);
            script[i].Act();
            IReadOnlyList<EvidenceRecord> records;
            try
            {
                await first.WaitAsync(StepTimeout, cancellationToken);
                await DeliveredAsync(outbox, recorder, cancellationToken).WaitAsync(StepTimeout, cancellationToken);
                records = stored.OfStep(script[i].Step);
            }
            catch (TimeoutException)
            {
                console.WriteLine($"step {i + 1}  {script[i].Say}: its records did not all reach the collector within {StepTimeout.TotalSeconds} s");
                failed = true;
                break;
            }

            console.WriteLine($"step {i + 1}     {script[i].Say}");
            foreach (var record in records)
            {
                console.WriteLine($"           -> record #{record.Sequence} step '{record.Step.Id}' ({record.Step.Names.GetValueOrDefault("zh")}) photo {record.Step.Photo}/{record.Step.PhotosRequired}, trigger {record.Trigger.Source}/{record.Trigger.Kind}, {record.Frame.Role?.ToString().ToLowerInvariant()} photo produced {record.Frame.OffsetMs} ms from the trigger (negative = before){(record.Trigger.Holder is { } holder ? ", lock of " + holder : "")}{(record.Findings.Count > 0 ? ", findings: " + string.Join("; ", record.Findings) : "")}");
            }
        }

        await app.StopAsync(CancellationToken.None);
        using var keys = new EnrolledKeys();
        keys.Add("demo-device", DeviceKey.ImportPublicKey(app.Services.GetRequiredService<DeviceKey>().PublicKeyPem));
        var report = EvidenceVerifier.Verify(collectorRoot, keys, app.Services.GetRequiredService<Procedure.ProcedureRegistry>().Templates);
        console.WriteLine();
        console.WriteLine($"verify     {report.Records} records, {(report.Ok ? "chain, signatures, image hashes and completeness OK" : string.Join("; ", report.Problems))}");
        console.WriteLine($"look at    {collectorRoot}");
        foreach (var pair in collector.Store.List().OrderBy(p => p.RecordKey, StringComparer.Ordinal))
        {
            console.WriteLine($"           {Path.GetRelativePath(root, Path.Combine(collectorRoot, pair.ImageKey))}");
        }

        var pages = central.GetRequiredService<Central.Reporting.ReportGenerator>().Generate(collectorRoot, Path.Combine(root, "report"), app.Services.GetRequiredService<Procedure.ProcedureRegistry>().Templates, keys);
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

    private static string WriteAgentConfig(string root, string brokerUrl, string collectorKey)
    {
        var agentDir = Path.Combine(root, "agent");
        Directory.CreateDirectory(agentDir);
        var config = new
        {
            DeviceId = "demo-device",
            SiteId = "demo-site",
            StateDirectory = agentDir,
            Broker = new { Url = brokerUrl, CollectorKeys = new[] { collectorKey } },
            Gpio = new { Driver = "simulated" },
            Control = new { SocketPath = Path.Combine(agentDir, "control.sock") },
            Points = new[] { new { Id = PointId, Procedure = "conveyor-lockout", Cameras = new[] { "cam-1" } } },
            Cameras = new[] { new { Id = "cam-1", Kind = "synthetic", Width = 640, Height = 360, Fps = 10, PreTriggerMegabytes = 8 } }, // a 2 s ring: the lock step also shows the moments before it
            Inputs = new[] { new { Id = LockInput, Point = PointId, Chip = 0, Line = LockLine, ActiveLow = true, DebounceMs = 50, Holder = "demo-operator" } },
        };
        var path = Path.Combine(agentDir, "edgeagent.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config, Indented));
        return path;
    }

    /// <summary>
    /// Everything the agent has recorded so far is at the collector: the recorder is idle and the outbox is empty
    /// (records leave it only on the collector's receipt). A demo may poll; tests of the parts await events.
    /// </summary>
    private static async Task DeliveredAsync(Outbox.EvidenceOutbox outbox, RecorderActivity recorder, CancellationToken cancellationToken)
    {
        while (recorder.Busy is not null || (await outbox.StatsAsync(cancellationToken)).Count > 0)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The records the collector stored, grouped by step, and a way to await the first of a step.</summary>
    private sealed class StoredCounter
    {
        private readonly List<EvidenceRecord> records = [];
        private readonly List<(string Step, TaskCompletionSource Done)> waiters = [];

        public void Add(EvidenceRecord record)
        {
            lock (records)
            {
                records.Add(record);
                foreach (var waiter in waiters.Where(w => w.Step == record.Step.Id).ToList())
                {
                    waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }

        public Task WaitForStepAsync(string step)
        {
            lock (records)
            {
                if (records.Any(r => r.Step.Id == step))
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add((step, done));
                return done.Task;
            }
        }

        public IReadOnlyList<EvidenceRecord> OfStep(string step)
        {
            lock (records)
            {
                return [.. records.Where(r => r.Step.Id == step).OrderBy(r => r.Sequence)];
            }
        }
    }
}
