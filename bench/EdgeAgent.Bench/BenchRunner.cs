using System.Text;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Tests.Infrastructure;
using static EdgeAgent.Bench.Stats;

namespace EdgeAgent.Bench;

/// <summary>Runs every benchmark against the same mosquitto and the same camera stream, and renders one table.</summary>
public static class BenchRunner
{
    /// <summary>End-to-end drains, each followed by a bare loop, for the goal row's medians.</summary>
    private const int EndToEndRounds = 3;

    /// <summary>The run with the median records/s (its CPU figures with it).</summary>
    /// <summary>
    /// The budgeted pair (<see cref="BenchOptions.BudgetRounds"/> rounds of one collector and two, each held to
    /// <paramref name="cores"/>), alternating which goes first: a run follows the file churn of the one before it (ext4
    /// inode allocation skips recently freed inodes), so neither always has the fresher file system.
    /// </summary>
    private static async Task<FleetBenchmark.Budgeted> BudgetedAsync(BenchOptions options, byte[] image, int devices, double cores, Tests.Infrastructure.PostgresProcess postgres, int postgresPid, TextWriter progress, System.Diagnostics.Stopwatch clock)
    {
        var ones = new List<FleetBenchmark.Result>();
        var twos = new List<FleetBenchmark.Result>();
        for (var round = 1; round <= options.BudgetRounds; round++)
        {
            foreach (var collectors in round % 2 == 1 ? new[] { 2, 1 } : [1, 2])
            {
                progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, backlog into {collectors} collector(s) held to {cores} cores each, round {round} of {options.BudgetRounds}");
                var result = await FleetBenchmark.RunAsync(options, image, devices, collectors, backlog: true, options.FleetRecords, 0, progress, await postgres.CreateDatabaseAsync(), cores, postgresPid);
                (collectors == 1 ? ones : twos).Add(result);
            }
        }

        return new(ones, twos);
    }

    private static BacklogBenchmark.Result Median(List<BacklogBenchmark.Result> runs) => Stats.Median(runs, r => r.RecordsPerSecond);

    private static string Spread(List<BacklogBenchmark.Result> runs) => "rounds " + string.Join(", ", runs.Select(r => F(r.RecordsPerSecond)));

    public static async Task<string> RunAsync(BenchOptions options, TextWriter progress)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var broker = await Tests.Infrastructure.MosquittoProcess.StartAsync();
        // The camera stream (ffmpeg and OpenCV encoding frames without pause) only for the rows that read it: beside the
        // central side's rows it took a fifth of the two cores.
        await using var stream = options.DrainOnly || options.FleetOnly ? null : await ClockStreamServer.StartAsync(options.Width, options.Height, options.Fps);
        var table = new StringBuilder();
        table.AppendLine($"| measure | EdgeAgent | baseline | ratio (baseline / EdgeAgent) |");
        table.AppendLine("| --- | --- | --- | --- |");

        if (options.FleetOnly)
        {
            var (onlyCeph, onlyBucket) = options.ObjectStore ? await ObjectStoreBench.StartAsync(objectLockDays: 1) : (null, null);
            await using (onlyCeph)
            {
                await FleetRowsAsync(options, table, progress, clock, onlyBucket);
            }

            Directory.Delete(options.WorkDirectory, recursive: true);
            return table.ToString();
        }

        if (!options.DrainOnly)
        {
            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] latency: {options.Triggers} triggers each, {options.Width}x{options.Height}@{options.Fps} MJPEG over HTTP");
            var ours = await LatencyBenchmark.EdgeAgentAsync(options, broker.Url, stream!.Url);
            var diy = await LatencyBenchmark.DoItYourselfAsync(options, broker.Url, stream!.Url);
            LatencyRows(table, ("trigger → record at broker", "frame offset at trigger"), ours, diy, "gpiomon → ffmpeg -frames:v 1 → mosquitto_pub");

            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] lock edges: {options.LockEdges} without debounce, {options.DebouncedLockEdges} with 50 ms");
            var floor = await TriggerEdgeBenchmark.BareCallbackAsync(options.LockEdges);
            foreach (var (debounce, edges) in new[] { (0, options.LockEdges), (50, options.DebouncedLockEdges) })
            {
                var edge = await TriggerEdgeBenchmark.LockInputAsync(options, debounce, edges);
                foreach (var p in new[] { 50, 99 })
                {
                    var a = Percentile(edge, p);
                    var b = Percentile(floor, p);
                    table.AppendLine($"| lock edge → trigger event at the capture stage, debounce {debounce} ms, p{p} (µs) | {F(a)} | {F(b)} (bare GpioController callback, same simulated driver) | {Ratio(b, a)} |");
                }
            }

            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] capture: {options.Triggers} triggers on a bare camera reader");
            var capture = await CaptureBenchmark.EdgeAgentAsync(options, stream!.Url);
            var oneFrame = await CaptureBenchmark.FfmpegOneFrameAsync(options, stream!.Url);
            LatencyRows(table, ("trigger → encoded JPEG (capture + quality + encode)", "frame offset at capture"), capture, oneFrame, "ffmpeg -frames:v 1 → JPEG");
        }

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] backlog: {options.BacklogRecords} records with images");
        var image = BacklogBenchmark.SampleImage(options);
        var drain = options.EndToEndOnly ? null : await BacklogBenchmark.EdgeAgentAsync(options, broker.Url, image);
        var bare = await BacklogBenchmark.BareMqttnetAsync(options, broker.Url, image, broker.Pid);
        var bares = new List<BacklogBenchmark.Result> { bare };
        if (drain is not null)
        {
            table.AppendLine($"| backlog drain, records/s ({image.Length / 1024} KiB images) | {F(drain.RecordsPerSecond)} | {F(bare.RecordsPerSecond)} (bare MQTTnet publish loop) | {Ratio(bare.RecordsPerSecond, drain.RecordsPerSecond)} |");
            table.AppendLine($"| backlog drain, MB/s | {F(drain.MegabytesPerSecond, "0.00")} | {F(bare.MegabytesPerSecond, "0.00")} | {Ratio(bare.MegabytesPerSecond, drain.MegabytesPerSecond)} |");
            table.AppendLine($"| backlog drain, bench process CPU per record (ms) | {F(drain.CpuMsPerRecord, "0.000")} | {F(bare.CpuMsPerRecord, "0.000")} | {Ratio(bare.CpuMsPerRecord, drain.CpuMsPerRecord)} |");
        }

        if (options.PubackDrainOnly)
        {
            Directory.Delete(options.WorkDirectory, recursive: true);
            return table.ToString();
        }

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] end to end: {options.BacklogRecords} records through a collector");
        var window = options.Window;
        // Alternated rounds, each side's median: one bare loop on this VM ranged 4,400-11,500 records/s within minutes, so
        // a single pair measured the machine's moment more than the code.
        var ends = new List<BacklogBenchmark.Result>();
        for (var round = 1; round <= EndToEndRounds; round++)
        {
            ends.Add(await EndToEndBacklogBenchmark.RunAsync(options, broker.Url, image, brokerPid: broker.Pid, round: round));
            if (round < EndToEndRounds)
            {
                bares.Add(await BacklogBenchmark.BareMqttnetAsync(options, broker.Url, image, broker.Pid));
            }
        }

        bare = Median(bares);
        var endToEnd = Median(ends);
        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] end to end, one sync per record");
        table.AppendLine($"| backlog drain end to end (collector group commit, receipt empties the outbox; device window {window}), records/s, median of {ends.Count} rounds alternated with the bare loop | {F(endToEnd.RecordsPerSecond)} ({Spread(ends)}) | {F(bare.RecordsPerSecond)} (bare MQTTnet publish loop; {Spread(bares)}) | {Ratio(bare.RecordsPerSecond, endToEnd.RecordsPerSecond)} |");
        table.AppendLine($"| backlog drain end to end, CPU per record (ms): bench process (device and collector) + broker | {F(endToEnd.CpuMsPerRecord, "0.000")} + {F(endToEnd.BrokerCpuMsPerRecord, "0.000")} | {F(bare.CpuMsPerRecord, "0.000")} + {F(bare.BrokerCpuMsPerRecord, "0.000")} (bare loop + broker) | {Ratio(bare.CpuMsPerRecord + bare.BrokerCpuMsPerRecord, endToEnd.CpuMsPerRecord + endToEnd.BrokerCpuMsPerRecord)} |");
        var bareFloor = await BacklogBenchmark.BareMqttnetAsync(options, broker.Url, image, broker.Pid, withSubscriber: true);
        table.AppendLine($"| bare MQTTnet publish loop with a bare subscriber on the same broker and host (the floor of any end-to-end delivery here, nothing stored; at most {window} records ahead), records/s | {F(bareFloor.RecordsPerSecond)} | {F(bare.RecordsPerSecond)} (bare MQTTnet publish loop) | {Ratio(bare.RecordsPerSecond, bareFloor.RecordsPerSecond)} (CPU per record {F(bareFloor.CpuMsPerRecord, "0.000")} + {F(bareFloor.BrokerCpuMsPerRecord, "0.000")} broker) |");
        table.AppendLine($"| backlog drain end to end vs that floor, records/s | {F(endToEnd.RecordsPerSecond)} | {F(bareFloor.RecordsPerSecond)} (bare publisher + bare subscriber) | {Ratio(bareFloor.RecordsPerSecond, endToEnd.RecordsPerSecond)} |");
        if (options.EndToEndOnly)
        {
            Directory.Delete(options.WorkDirectory, recursive: true);
            return table.ToString();
        }

        var singleSync = await EndToEndBacklogBenchmark.RunAsync(options, broker.Url, image, groupCommit: false);
        table.AppendLine($"| backlog drain end to end, group commit vs one sync per record, records/s | {F(endToEnd.RecordsPerSecond)} | {F(singleSync.RecordsPerSecond)} (same collector, GroupCommit=false: fsync image, record, directory and index per record) | {Ratio(singleSync.RecordsPerSecond, endToEnd.RecordsPerSecond)} (under 1: group commit is faster) |");
        table.AppendLine($"| backlog drain end to end, MB/s | {F(endToEnd.MegabytesPerSecond, "0.00")} | {F(bare.MegabytesPerSecond, "0.00")} | {Ratio(bare.MegabytesPerSecond, endToEnd.MegabytesPerSecond)} |");
        var intake = CollectorIntakeBenchmark.Run(options, image);
        table.AppendLine($"| collector per record without MQTT (signed, {image.Length / 1024} KiB image, SQLite index, batches of {CollectorIntakeBenchmark.BatchRecords}): serial path, ms | {F(intake.SerialMs, "0.00")} ({F(intake.SerialCpuMs, "0.00")} CPU; reading {F(intake.ReadMs, "0.00")} CPU in parallel) | {F(intake.SerialMs + intake.ReadMs, "0.00")} (reading on the serial path too, as before the pipeline) | {Ratio(intake.SerialMs + intake.ReadMs, intake.SerialMs)} |");
        progress.WriteLine($"  intake serial stage per record: chunk {intake.ChunkMs:0.00} ms, record {intake.RecordMs:0.00} ms, commits {intake.CommitMs:0.00} ms");
        CephRgwProcess? ceph = null;
        S3StoreOptions? bucket = null;
        if (options.ObjectStore)
        {
            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] object store: starting Ceph");
            (ceph, bucket) = await ObjectStoreBench.StartAsync(objectLockDays: 1);
            var s3 = await EndToEndBacklogBenchmark.RunAsync(options, broker.Url, image, bucket);
            table.AppendLine($"| backlog drain end to end into an S3 bucket (Ceph 16 RGW on this host, Object Lock COMPLIANCE), records/s | {F(s3.RecordsPerSecond)} | {F(endToEnd.RecordsPerSecond)} (same, into a directory) | {Ratio(endToEnd.RecordsPerSecond, s3.RecordsPerSecond)} |");
        }

        await using (ceph)
        {
            await FleetRowsAsync(options, table, progress, clock, bucket);
        }

        if (options.DrainOnly)
        {
            Directory.Delete(options.WorkDirectory, recursive: true);
            return table.ToString();
        }

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] cpu per stream");
        table.AppendLine(await CpuRowAsync(options, broker.Url, stream!.Url));
        if ((options.Width, options.Height) != (1280, 720))
        {
            var hd = options with { Width = 1280, Height = 720 };
            await using var hdStream = await ClockStreamServer.StartAsync(hd.Width, hd.Height, hd.Fps);
            table.AppendLine(await CpuRowAsync(hd, broker.Url, hdStream.Url));
        }

        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] peak rss");
        var one = await ResourceBenchmark.PeakRssAsync(options, broker.Url, stream!.Url, 1);
        var two = await ResourceBenchmark.PeakRssAsync(options, broker.Url, stream!.Url, 2);
        table.AppendLine($"| peak RSS, 1 stream (MiB; agent / with ffmpeg children; 48 MiB ring, a trigger every 5 s) | {F(one.Agent)} / {F(one.Tree)} | n/a | n/a |");
        table.AppendLine($"| peak RSS, 2 streams (MiB; agent / with ffmpeg children; 48 MiB ring each, a trigger every 5 s) | {F(two.Agent)} / {F(two.Tree)} | {F(one.Agent)} (1 stream) | {Ratio(one.Agent, two.Agent)} |");

        var bareStart = await ResourceBenchmark.BareStartAsync();
        table.AppendLine($"| start-up to READY (ms) | {F(one.Startup.TotalMilliseconds, "0")} | {F(bareStart.TotalMilliseconds, "0")} (bare `edgeagent --help`) | {Ratio(bareStart.TotalMilliseconds, one.Startup.TotalMilliseconds)} |");

        try
        {
            Directory.Delete(options.WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        return table.ToString();
    }

    /// <summary>
    /// The load generator: for each fleet size, a backlog into one and into two collectors, and a steady load into one.
    /// With <paramref name="bucket"/>: for the first fleet size also the same backlog into one and two collectors storing into it.
    /// </summary>
    private static async Task FleetRowsAsync(BenchOptions options, StringBuilder table, TextWriter progress, System.Diagnostics.Stopwatch clock, S3StoreOptions? bucket)
    {
        if (options.FleetDevices.Count == 0)
        {
            return;
        }

        var image = BacklogBenchmark.SampleImage(options);
        // Several collectors share a store through PostgreSQL (docs/deploy.md): SQLite's one writer would serialise their batches.
        progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: starting PostgreSQL");
        await using var postgres = await Tests.Infrastructure.PostgresProcess.StartAsync();
        var postgresPid = int.Parse(File.ReadLines(Path.Combine(postgres.Directory, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        if (options.CollectorCpu is not null && !CpuBudget.Available)
        {
            throw new InvalidOperationException("--collector-cpu needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu");
        }

        foreach (var devices in options.FleetDevices)
        {
            if (options.BudgetedOnly && options.CollectorCpu is { } quick)
            {
                var pair = await BudgetedAsync(options, image, devices, quick, postgres, postgresPid, progress, clock);
                table.AppendLine($"| {devices} devices, {options.FleetRecords} records, collectors held to {quick} cores each, median of {pair.Ones.Count} rounds: 1 collector / 2 collectors, records/s | {pair.One.RecordsPerSecond:0.0} / {pair.Two.RecordsPerSecond:0.0} (rounds {FleetBenchmark.Rounds(pair.Ones)} / {FleetBenchmark.Rounds(pair.Twos)}) | 2 collectors = {pair.Ratio:0.00}× one | CPU s per 1,000 records {pair.One.CollectorCpuPer1000:0.00} / {pair.Two.CollectorCpuPer1000:0.00}; all rounds: {FleetBenchmark.Check(pair.Ones)} / {FleetBenchmark.Check(pair.Twos)} |");
                continue;
            }

            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, backlog of {options.FleetRecords} records into 1 collector");
            var one = await FleetBenchmark.RunAsync(options, image, devices, 1, backlog: true, options.FleetRecords, 0, progress, await postgres.CreateDatabaseAsync(), postgresPid: postgresPid);
            progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, backlog into 2 collectors");
            var two = await FleetBenchmark.RunAsync(options, image, devices, 2, backlog: true, options.FleetRecords, 0, progress, await postgres.CreateDatabaseAsync(), postgresPid: postgresPid);
            FleetBenchmark.Budgeted? budgeted = options.CollectorCpu is { } cores ? await BudgetedAsync(options, image, devices, cores, postgres, postgresPid, progress, clock) : null;
            FleetBenchmark.Result? steady = null;
            if (options.FleetSteadyRecords > 0)
            {
                progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, steady {options.FleetSteadyRate} records/s into 1 collector");
                steady = await FleetBenchmark.RunAsync(options, image, devices, 1, backlog: false, options.FleetSteadyRecords, options.FleetSteadyRate, progress);
            }

            foreach (var row in FleetBenchmark.Rows(one, two, steady, image.Length, budgeted))
            {
                table.AppendLine(row);
            }

            if (bucket is not null && devices == options.FleetDevices[0])
            {
                progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, backlog into 1 collector on the bucket");
                var s3One = await FleetBenchmark.RunAsync(options, image, devices, 1, backlog: true, options.FleetRecords, 0, progress, await postgres.CreateDatabaseAsync(), postgresPid: postgresPid, bucket: bucket);
                progress.WriteLine($"[{clock.Elapsed.TotalSeconds:0}s] fleet: {devices} devices, backlog into 2 collectors on the bucket (chunks staged in the bucket)");
                var s3Two = await FleetBenchmark.RunAsync(options, image, devices, 2, backlog: true, options.FleetRecords, 0, progress, await postgres.CreateDatabaseAsync(), postgresPid: postgresPid, bucket: bucket);
                foreach (var row in FleetBenchmark.BucketRows(one, s3One, s3Two, image.Length))
                {
                    table.AppendLine(row);
                }
            }
        }
    }

    /// <summary>
    /// p50 and p99 of latency against the baseline with the ratio, then p50 and p1 (the earliest) of the frame offset,
    /// produced − trigger as in evidence records (negative = produced before the trigger; no ratio: the sign matters).
    /// </summary>
    private static void LatencyRows(StringBuilder table, (string Latency, string Age) measures, LatencyBenchmark.Result ours, LatencyBenchmark.Result baseline, string baselineName)
    {
        foreach (var p in new[] { 50, 99 })
        {
            var a = Percentile(ours.LatencyMs, p);
            var b = Percentile(baseline.LatencyMs, p);
            table.AppendLine($"| {measures.Latency}, p{p} (ms) | {F(a)} | {F(b)} ({baselineName}) | {Ratio(b, a)} |");
        }

        foreach (var (p, name) in new[] { (50, "p50"), (1, "p1 (earliest)") })
        {
            table.AppendLine($"| {measures.Age}, {name} (ms, produced − trigger; negative = before the trigger) | {F(Percentile(ours.FrameOffsetMs, p))} | {F(Percentile(baseline.FrameOffsetMs, p))} | n/a |");
        }
    }

    private static async Task<string> CpuRowAsync(BenchOptions options, string brokerUrl, string streamUrl)
    {
        var agentCpu = await ResourceBenchmark.AgentCpuAsync(options, brokerUrl, streamUrl);
        var ffmpegCpu = await ResourceBenchmark.FfmpegCpuAsync(options, streamUrl);
        return $"| CPU per {options.Width}x{options.Height} stream (cores) | {F(agentCpu, "0.000")} | {F(ffmpegCpu, "0.000")} (ffmpeg alone decoding) | {Ratio(ffmpegCpu, agentCpu)} |";
    }
}
