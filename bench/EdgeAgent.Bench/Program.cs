using EdgeAgent.Bench;

// edgeagent-bench [--smoke] [--width W --height H]: prints a markdown table; timing never fails the run.
// edgeagent-bench --synthetic-store DIR [--records N] [--width W --height H]: a signed store to time `report` and `verify` on.
if (Array.IndexOf(args, "--synthetic-store") is var at and >= 0 && at + 1 < args.Length)
{
    int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    SyntheticStore.Write(args[at + 1], Arg("--records", 10_000), Arg("--width", 1280), Arg("--height", 720), Console.Out);
    return;
}

// --drain-only: only the central side's rows (backlog drains, then the fleets); --ring: only the compressed-ring rows (issue 17); --object-store: add the drain into an S3 bucket on a Ceph RGW started for the run.
// --backlog-records N: records per backlog drain (300); --puback-drain-only (with --drain-only): only the PUBACK-only drain rows; --e2e-only (with --drain-only): only the bare loop and the end-to-end drain.
// --max-in-flight N: the device's window (Broker:MaxInFlightRecords, default 64) in the agent's drain rows and the end-to-end row's device, and the floor row's publisher (records ahead of its subscriber).
// --intake-only: only the collector's per-record path without MQTT (CollectorIntakeBenchmark, --backlog-records records).
// --fleet-only: only the load generator's rows; --fleet-devices 10,100: its fleet sizes; --no-fleet: none; --fleet-steady-records 0: no steady run.
// --collector-cpu 0.5: also run each fleet's backlog into 1 and 2 collectors held to 0.5 cores each (cgroup v1 CPU quota, needs root); --budgeted-only: only those; --budget-rounds N: rounds of that pair, the median reported (3).
var options = (args.Contains("--smoke") ? BenchOptions.Smoke : BenchOptions.Full) with { DrainOnly = args.Contains("--drain-only"), ObjectStore = args.Contains("--object-store"), FleetOnly = args.Contains("--fleet-only"), PubackDrainOnly = args.Contains("--puback-drain-only"), EndToEndOnly = args.Contains("--e2e-only"), BudgetedOnly = args.Contains("--budgeted-only") };
if (args.Contains("--no-fleet"))
{
    options = options with { FleetDevices = [] };
}

for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--width":
            options = options with { Width = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--height":
            options = options with { Height = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--fleet-devices":
            options = options with { FleetDevices = [.. args[i + 1].Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))] };
            break;
        case "--fleet-records":
            options = options with { FleetRecords = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--fleet-steady-records":
            options = options with { FleetSteadyRecords = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--fleet-steady-rate":
            options = options with { FleetSteadyRate = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--collector-cpu":
            options = options with { CollectorCpu = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--budget-rounds":
            options = options with { BudgetRounds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--backlog-records":
            options = options with { BacklogRecords = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--max-in-flight":
            options = options with { MaxInFlight = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--triggers":
            options = options with { Triggers = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) };
            break;
    }
}

if (args.Contains("--intake-only"))
{
    // Only the collector's per-record path without MQTT (CollectorIntakeBenchmark): a short untimed run for the JIT, then the timed one.
    Directory.CreateDirectory(options.WorkDirectory);
    var image = BacklogBenchmark.SampleImage(options);
    _ = CollectorIntakeBenchmark.Run(options with { BacklogRecords = 200, WorkDirectory = Path.Combine(options.WorkDirectory, "warmup") }, image);
    var intake = CollectorIntakeBenchmark.Run(options, image);
    Console.WriteLine(System.FormattableString.Invariant($"intake {intake.Records} records ({image.Length / 1024} KiB images): serial {intake.SerialMs:0.000} ms/record ({intake.SerialCpuMs:0.000} CPU): chunk {intake.ChunkMs:0.000}, record {intake.RecordMs:0.000}, commits {intake.CommitMs:0.000}; reading {intake.ReadMs:0.000} CPU"));
    Directory.Delete(options.WorkDirectory, recursive: true);
    return;
}

Console.WriteLine($"EdgeAgent benchmark on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
if (args.Contains("--ring"))
{
    // Only issue 17's rows (compressed ring, decode on demand, clips): the rest of the suite is too heavy to run beside them here.
    await using var ringBroker = await EdgeAgent.Tests.Infrastructure.MosquittoProcess.StartAsync();
    var ringTable = await EdgeAgent.Bench.RingBenchmark.RunAsync(options, ringBroker.Url, Console.Out);
    Console.WriteLine();
    Console.WriteLine("| measure | EdgeAgent | baseline | ratio (baseline / EdgeAgent) |");
    Console.WriteLine("| --- | --- | --- | --- |");
    Console.WriteLine(ringTable);
    return;
}

var table = await BenchRunner.RunAsync(options, Console.Out);
Console.WriteLine();
Console.WriteLine(table);
