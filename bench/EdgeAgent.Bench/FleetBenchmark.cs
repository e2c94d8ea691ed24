using System.Diagnostics;
using System.Globalization;
using EdgeAgent.Central.Collector;
using EdgeAgent.Central.Collector.ObjectStore;
using EdgeAgent.Protocol;
using EdgeAgent.Tests.Central.Collector;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Bench;

/// <summary>
/// The load generator (issue #19): N <see cref="SimulatedDevice"/>s in this process against one or more real
/// <c>edgeagent collect</c> processes sharing one store and one MQTT 5 shared subscription (<c>--shared-group</c>),
/// behind a real mosquitto started for the run. Records/s and MB/s from the first send to the last receipt; the
/// receipt latency from a record's creation to its signed <c>stored</c> receipt at the device; CPU of the broker, the
/// collectors and the devices from /proc. Afterwards the store is read back (files and index) against every record id
/// the devices created: none may be missing or stored twice. Before the clock, 300 records from devices of their own
/// warm the collectors up (not counted); the collectors run without tiered compilation (steady state, not the JIT).
/// With a CPU budget (<c>--collector-cpu</c>) each collector is held to it by a cgroup quota, as on a host of its own,
/// while the devices, the broker and PostgreSQL take precedence over other work on this machine.
/// </summary>
public static class FleetBenchmark
{
    /// <param name="Backlog">True: every outbox was full before the devices connected (after an outage); false: records created at a steady rate while connected.</param>
    public sealed record Result(int Devices, int Collectors, bool Backlog, int Records, long Bytes, TimeSpan Elapsed, IReadOnlyList<double> StoredLatencyMs, double CollectorCpuSeconds, double BrokerCpuSeconds, double DeviceCpuSeconds, int Lost, int Duplicated, int Resent, bool Completed)
    {
        /// <summary>Of <see cref="Resent"/>: records sent again on an <c>incomplete</c> receipt (the rest: no receipt within the device's timeout).</summary>
        public int Incomplete { get; init; }

        /// <summary>Each collector's CPU seconds over the run's wall clock (cores busy).</summary>
        public IReadOnlyList<double> CollectorCores { get; init; } = [];

        /// <summary>Cores each collector was held to (a cgroup CFS quota), or null: unbudgeted.</summary>
        public double? CpuBudget { get; init; }

        /// <summary>With a budget: the share of CFS periods in which a collector had used its budget up (averaged over collectors).</summary>
        public double ThrottledShare { get; init; }

        /// <summary>CPU of the PostgreSQL server's processes (the shared index), or 0 with the SQLite index.</summary>
        public double PostgresCpuSeconds { get; init; }

        public double PostgresCpuPer1000 => PostgresCpuSeconds * 1000 / Records;

        public double RecordsPerSecond => Records / Elapsed.TotalSeconds;

        public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;

        /// <summary>CPU seconds per 1,000 records.</summary>
        public double CollectorCpuPer1000 => CollectorCpuSeconds * 1000 / Records;

        public double BrokerCpuPer1000 => BrokerCpuSeconds * 1000 / Records;
    }

    /// <summary>Rounds of the same backlog into one collector and into two, each held to the same CPU budget; <see cref="One"/> and <see cref="Two"/> are the median runs by records/s.</summary>
    public sealed record Budgeted(IReadOnlyList<Result> Ones, IReadOnlyList<Result> Twos)
    {
        public Result One => Stats.Median(Ones, r => r.RecordsPerSecond);

        public Result Two => Stats.Median(Twos, r => r.RecordsPerSecond);

        /// <summary>Two collectors' median records/s over one's.</summary>
        public double Ratio => Two.RecordsPerSecond / One.RecordsPerSecond;
    }

    /// <summary>Records a device may have awaiting receipts (Broker:MaxInFlightRecords): lower than the default 64 so 1,000 devices' in-flight images fit this machine's memory.</summary>
    public const int DeviceInFlightRecords = 8;

    /// <summary>Records (at most; no more than the run's own) sent through the collectors before the clock starts (by devices of their own, not counted): the collectors' JIT and first connections are not timed.</summary>
    public const int WarmupRecords = 300;

    /// <summary>Set to 0 for the collector processes (fully optimised code from the first call, no background recompilation): see <see cref="RunAsync"/>.</summary>
    public const string TieredCompilation = "DOTNET_TieredCompilation";

    /// <param name="records">Records in all, split evenly over the devices (at least one each).</param>
    /// <param name="steadyRate">Steady mode: records per second over the whole fleet; each device creates one every <c>devices / steadyRate</c> seconds.</param>
    /// <param name="postgres">Index the collectors share: a PostgreSQL connection string (a database of its own for this run), or null for the SQLite index in the store.</param>
    /// <param name="collectorCpu">Cores each collector process is held to (<see cref="CpuBudget"/>), as on a host of its own; null: none (all share this machine).</param>
    /// <param name="postgresPid">The PostgreSQL server's pid (its processes' CPU is reported), or null.</param>
    /// <param name="bucket">Store into this bucket (<c>--store s3://…</c>, a prefix of the run's own; with a shared group the chunks are staged in the bucket too), or null: the directory store.</param>
    public static async Task<Result> RunAsync(BenchOptions options, byte[] image, int devices, int collectors, bool backlog, int records, double steadyRate, TextWriter progress, string? postgres = null, double? collectorCpu = null, int? postgresPid = null, S3StoreOptions? bucket = null)
    {
        var name = $"fleet-{devices}-{collectors}-{(backlog ? "backlog" : "steady")}-{Guid.NewGuid().ToString("N")[..6]}";
        var run = Path.Combine(options.WorkDirectory, name);
        bucket = bucket is null ? null : new S3StoreOptions { Bucket = bucket.Bucket, Prefix = name + "/", ServiceUrl = bucket.ServiceUrl, Region = bucket.Region, Credentials = bucket.Credentials, ObjectLockDays = bucket.ObjectLockDays };
        var store = Path.Combine(run, "store");
        var keys = Path.Combine(run, "keys");
        Directory.CreateDirectory(keys);
        Directory.CreateDirectory(store);
        var perDevice = Math.Max(1, records / devices);
        var total = perDevice * devices;

        // Unlimited queue: mosquitto's default (1,000 per session) drops QoS 1 messages past it, and a fleet after an outage is far past it.
        await using var broker = await MosquittoProcess.StartAsync("max_queued_messages 0\n");
        var receiptKey = Path.Combine(run, "collector-receipt-key.pem");
        var receiptPublic = Path.Combine(run, "collector.pub.pem");
        using (var collectorKey = DeviceKey.LoadOrCreateFile(receiptKey))
        {
            await File.WriteAllTextAsync(receiptPublic, collectorKey.PublicKeyPem);
        }

        var fleet = new List<SimulatedDevice>(devices);
        var warmup = new List<SimulatedDevice>();
        var warmupPerDevice = Math.Max(1, Math.Min(WarmupRecords, total) / 10); // a smoke run of 20 records warms up with 20
        var created = new List<Guid>(total + WarmupRecords);
        try
        {
            for (var d = 0; d < devices; d++)
            {
                var device = new SimulatedDevice($"fleet-{d:D4}", Path.Combine(run, "devices", $"{d:D4}"), broker.Url, receiptPublic, image, DeviceInFlightRecords);
                fleet.Add(device);
                await File.WriteAllTextAsync(Path.Combine(keys, device.DeviceId + ".pem"), device.PublicKeyPem);
            }

            for (var d = 0; d < 10; d++)
            {
                var device = new SimulatedDevice($"warmup-{d:D2}", Path.Combine(run, "warmup", $"{d:D2}"), broker.Url, receiptPublic, image, DeviceInFlightRecords);
                warmup.Add(device);
                await File.WriteAllTextAsync(Path.Combine(keys, device.DeviceId + ".pem"), device.PublicKeyPem);
                created.AddRange(await AppendManyAsync(device, warmupPerDevice)); // stored like the others: part of the store's check
            }

            if (backlog)
            {
                progress.WriteLine($"  filling {devices} outboxes with {perDevice} record(s) each");
                foreach (var ids in await Task.WhenAll(fleet.Select(d => AppendManyAsync(d, perDevice))))
                {
                    created.AddRange(ids);
                }
            }

            var running = new List<CollectorProcess>();
            var budgets = new List<CpuBudget>();
            try
            {
                if (collectorCpu is not null)
                {
                    // The load generator, the broker and PostgreSQL go first on this shared machine (no quota), the collectors get their budget.
                    budgets.Add(CpuBudget.Prioritise([Environment.ProcessId, broker.Pid!.Value, .. postgresPid is { } server ? ProcStat.Tree(server) : []], "harness"));
                }

                // Steady state, not the JIT: with tiered compilation the runtime's background recompilation of hot methods
                // was 40% of the collectors' CPU in a measured run of 1,500 records (perf: the ".NET Tiered Com" thread),
                // after a warm-up; paid once per process, it made two collectors look twice as costly per record as one.
                var tiered = Environment.GetEnvironmentVariable(TieredCompilation);
                Environment.SetEnvironmentVariable(TieredCompilation, "0");
                try
                {
                    for (var c = 0; c < collectors; c++)
                    {
                        string[] index = postgres is null ? [] : ["--index", "postgresql", "--index-connection", postgres];
                        // On object storage each collector has a local directory of its own (index and nothing else): the bucket is the shared store.
                        var output = bucket is null ? store : Path.Combine(run, $"collector-{c}");
                        running.Add(await CollectorProcess.StartAsync(["--broker", broker.Url, "--output", output, "--keys", keys, "--receipt-key", receiptKey, "--client-id", $"fleet-collector-{c}", "--shared-group", "fleet", .. index, .. StoreArguments(bucket, run)]));
                    }
                }
                finally
                {
                    Environment.SetEnvironmentVariable(TieredCompilation, tiered);
                }

                await WarmUpAsync(warmup, warmup.Count * warmupPerDevice);
                await QuietAsync(running);
                for (var c = 0; c < running.Count && collectorCpu is { } budget; c++)
                {
                    budgets.Add(CpuBudget.Apply(running[c].Pid, budget, $"collector-{c}"));
                }

                var latencies = new List<double>(total);
                var resent = 0;
                var incomplete = 0;
                var delivered = 0;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                foreach (var device in fleet)
                {
                    device.ReceiptArrived += (_, outcome) =>
                    {
                        if (outcome.Status == Protocol.ReceiptStatus.Incomplete)
                        {
                            Interlocked.Increment(ref incomplete);
                        }

                        if (outcome.Status == Protocol.ReceiptStatus.Stored && outcome.EdgeTime is { } edge)
                        {
                            lock (latencies)
                            {
                                latencies.Add((DateTimeOffset.UtcNow - edge).TotalMilliseconds);
                            }
                        }
                    };
                    device.Resent += (_, count) => Interlocked.Add(ref resent, count);
                    device.RecordsDelivered += (_, count) =>
                    {
                        if (Interlocked.Add(ref delivered, count) >= total)
                        {
                            done.TrySetResult();
                        }
                    };
                }

                var collectorsBefore = running.Select(c => ProcStat.CpuSeconds(c.Pid)).ToList();
                var splitBefore = running.Select(c => ProcStat.CpuSplit(c.Pid)).ToList();
                var quotas = budgets.Where(b => !double.IsInfinity(b.Cores)).ToList();
                var throttledBefore = quotas.Select(b => b.Throttling()).ToList();
                var postgresBefore = postgresPid is { } pg ? ProcStat.CpuSeconds(pg) : 0;
                var cpuBefore = (Collectors: collectorsBefore.Sum(), Broker: ProcStat.CpuSeconds(broker.Pid!.Value), Devices: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(fleet.Select(d => d.StartAsync()));
                Task producing = Task.CompletedTask;
                if (!backlog)
                {
                    producing = ProduceSteadilyAsync(fleet, perDevice, devices / steadyRate, created);
                }

                var timeout = TimeSpan.FromSeconds(Math.Max(120, total / 5.0) + (backlog ? 0 : perDevice * devices / steadyRate));
                var completed = await Task.WhenAny(done.Task, Task.Delay(timeout)) == done.Task;
                await producing;
                var elapsed = clock.Elapsed;
                var perCollector = running.Select(c => ProcStat.CpuSeconds(c.Pid)).ToList();
                var cores = perCollector.Select((c, i) => (c - collectorsBefore[i]) / elapsed.TotalSeconds).ToList();
                var split = running.Select((c, i) => ProcStat.CpuSplit(c.Pid) is var (user, system) ? $"{user - splitBefore[i].User:0.0} user + {system - splitBefore[i].System:0.0} system" : "").ToList();
                var throttled = quotas.Select((b, i) => b.Throttling() is var t && t.Periods > throttledBefore[i].Periods ? (double)(t.Throttled - throttledBefore[i].Throttled) / (t.Periods - throttledBefore[i].Periods) : 0).DefaultIfEmpty(0).Average();
                var postgresCpu = postgresPid is { } pgAfter ? Math.Max(0, ProcStat.CpuSeconds(pgAfter) - postgresBefore) : 0;
                var cpu = (Collectors: perCollector.Sum() - cpuBefore.Collectors, Broker: ProcStat.CpuSeconds(broker.Pid!.Value) - cpuBefore.Broker, Devices: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpuBefore.Devices);
                progress.WriteLine($"  {(completed ? "drained" : "TIMED OUT")}: {Volatile.Read(ref delivered)} of {total} receipted in {elapsed.TotalSeconds:0.0} s ({total / elapsed.TotalSeconds:0.0} records/s); collector cores busy: {string.Join(", ", cores.Select(c => c.ToString("0.00", CultureInfo.InvariantCulture)))}{(collectorCpu is { } b ? $" (budget {b:0.00} each, throttled in {throttled * 100:0}% of periods)" : "")}; collector CPU s {string.Join(", ", split)}; resent {Volatile.Read(ref resent)} ({Volatile.Read(ref incomplete)} on 'incomplete'); broker {cpu.Broker:0.0} CPU s, PostgreSQL {postgresCpu:0.0}, devices {cpu.Devices:0.0}; load {File.ReadAllText("/proc/loadavg").Trim()}");

                foreach (var device in fleet)
                {
                    await device.DisposeAsync();
                }

                fleet.Clear();
                foreach (var collector in running)
                {
                    await collector.TerminateAsync(TimeSpan.FromSeconds(60));
                }

                var (lost, duplicated) = CheckStore(store, created, postgres, bucket);
                List<double> measured;
                lock (latencies)
                {
                    measured = [.. latencies];
                }

                return new Result(devices, collectors, backlog, total, (long)total * image.Length, elapsed, measured, cpu.Collectors, cpu.Broker, cpu.Devices, lost, duplicated, Volatile.Read(ref resent), completed)
                {
                    Incomplete = Volatile.Read(ref incomplete),
                    CollectorCores = cores,
                    CpuBudget = collectorCpu,
                    ThrottledShare = throttled,
                    PostgresCpuSeconds = postgresCpu,
                };
            }
            finally
            {
                foreach (var collector in running)
                {
                    await collector.DisposeAsync();
                }

                foreach (var budget in budgets)
                {
                    budget.Dispose();
                }
            }
        }
        finally
        {
            foreach (var device in fleet.Concat(warmup))
            {
                await device.DisposeAsync();
            }

            try
            {
                Directory.Delete(run, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>After the warm-up, until no collector uses more than 5% of a core for half a second (at most 20 s): what the warm-up started has settled.</summary>
    private static async Task QuietAsync(List<CollectorProcess> running)
    {
        var clock = Stopwatch.StartNew();
        var last = running.Select(c => ProcStat.CpuSeconds(c.Pid)).ToList();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = running.Select(c => ProcStat.CpuSeconds(c.Pid)).ToList();
            if (now.Select((cpu, i) => cpu - last[i]).All(busy => busy <= 0.025))
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>The warm-up devices send their records and wait for every receipt, then disconnect.</summary>
    private static async Task WarmUpAsync(List<SimulatedDevice> warmup, int expected)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = 0;
        foreach (var device in warmup)
        {
            device.RecordsDelivered += (_, count) =>
            {
                if (Interlocked.Add(ref delivered, count) >= expected)
                {
                    done.TrySetResult();
                }
            };
        }

        await Task.WhenAll(warmup.Select(d => d.StartAsync()));
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        foreach (var device in warmup)
        {
            await device.DisposeAsync();
        }

        warmup.Clear();
    }

    private static async Task<List<Guid>> AppendManyAsync(SimulatedDevice device, int count)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add(await device.AppendAsync());
        }

        return ids;
    }

    /// <summary>Each device creates a record every <paramref name="periodSeconds"/>, the devices' starts spread evenly over one period.</summary>
    private static async Task ProduceSteadilyAsync(List<SimulatedDevice> fleet, int perDevice, double periodSeconds, List<Guid> created)
    {
        var period = TimeSpan.FromSeconds(periodSeconds);
        await Task.WhenAll(fleet.Select(async (device, index) =>
        {
            await Task.Delay(period * index / fleet.Count);
            using var ticks = new PeriodicTimer(period);
            for (var i = 0; i < perDevice; i++)
            {
                var id = await device.AppendAsync();
                lock (created)
                {
                    created.Add(id);
                }

                if (i + 1 < perDevice)
                {
                    await ticks.WaitForNextTickAsync();
                }
            }
        }));
    }

    /// <summary>The collector's arguments for <paramref name="bucket"/> (on the bench's Ceph gateway): location, endpoint, a 0600 credentials file in <paramref name="run"/>, retention.</summary>
    private static string[] StoreArguments(S3StoreOptions? bucket, string run)
    {
        if (bucket is null)
        {
            return [];
        }

        var credentials = Path.Combine(run, "s3-credentials");
        File.WriteAllText(credentials, $"{S3Credentials.AccessKeyVariable}={CephRgwProcess.AccessKey}\n{S3Credentials.SecretKeyVariable}={CephRgwProcess.SecretKey}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        string[] retention = bucket.ObjectLockDays is { } days ? ["--object-lock-days", days.ToString(CultureInfo.InvariantCulture)] : [];
        return ["--store", bucket.Location, "--s3-endpoint", bucket.ServiceUrl!, "--s3-credentials-file", credentials, .. retention];
    }

    /// <summary>
    /// Ground truth from the store, not from the collectors' counts: every record file is read back and its record id
    /// matched against the ids the devices created; the index must hold one row per record too.
    /// </summary>
    private static (int Lost, int Duplicated) CheckStore(string root, List<Guid> created, string? postgres, S3StoreOptions? bucket)
    {
        List<Guid> stored;
        if (bucket is null)
        {
            stored = [.. new EvidenceStore(root).Enumerate().Select(p => EvidenceRecord.FromJson(File.ReadAllBytes(p.JsonPath)).RecordId)];
        }
        else
        {
            using var objects = new S3EvidenceStore(bucket);
            stored = [.. objects.List().Select(p => EvidenceRecord.FromJson(objects.Read(p.RecordKey) ?? throw new InvalidDataException($"{p.RecordKey} listed but not readable")).RecordId)];
        }

        var distinct = stored.ToHashSet();
        var lost = created.Count(id => !distinct.Contains(id));
        var duplicated = stored.Count - distinct.Count + distinct.Count(id => !created.Contains(id));
        using var index = EvidenceIndexFactory.Open(postgres is null ? new EvidenceIndexOptions() : new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = postgres }, root, "fleet-check");
        var rows = index.CountByDevice().Values.Sum();
        if (rows != created.Count)
        {
            duplicated += (int)Math.Max(0, rows - created.Count);
            lost = Math.Max(lost, (int)Math.Max(0, created.Count - rows));
        }

        return (lost, duplicated);
    }

    /// <summary>
    /// The object-storage rows for one fleet size: one collector storing into the bucket against one storing into a
    /// directory (<paramref name="directory"/>, same run and backlog), and two collectors on the bucket against one.
    /// </summary>
    public static IEnumerable<string> BucketRows(Result directory, Result one, Result two, int imageBytes)
    {
        var n = one.Devices.ToString("N0", CultureInfo.InvariantCulture);
        yield return $"| fleet of {n} devices, backlog of {one.Records} records ({imageBytes / 1024} KiB images) into 1 collector storing into an S3 bucket (Ceph 16 RGW on this host, Object Lock COMPLIANCE; PostgreSQL index), records/s | {Stats.F(one.RecordsPerSecond)} ({Stats.F(one.MegabytesPerSecond, "0.00")} MB/s; {Check(one)}; {Resends(one)}) | {Stats.F(directory.RecordsPerSecond)} (1 collector into a directory) | {Stats.Ratio(directory.RecordsPerSecond, one.RecordsPerSecond)} |";
        yield return $"| fleet of {n} devices, same backlog into 2 collectors on a shared subscription storing into the bucket (chunks staged in the bucket, a local directory each; no CPU budget), records/s | {Stats.F(two.RecordsPerSecond)} ({Stats.F(two.MegabytesPerSecond, "0.00")} MB/s; {Check(two)}; {Resends(two)}) | {Stats.F(one.RecordsPerSecond)} (1 collector on the bucket) | {Stats.Ratio(one.RecordsPerSecond, two.RecordsPerSecond)} (2 collectors = {Stats.F(two.RecordsPerSecond / one.RecordsPerSecond, "0.00")}× one) |";
        yield return $"| fleet of {n} devices, backlog into the bucket: CPU s per 1,000 records, collector(s) / broker / PostgreSQL / devices (1 collector; 2 collectors) | {Cpu(one)}; {Cpu(two)} | n/a | n/a |";
    }

    /// <summary>
    /// The table rows for one fleet size: backlog into one and two collectors, and a steady load into one (null: not run).
    /// With <paramref name="budgeted"/>: the same backlog into one and into two collectors each held to the same CPU budget.
    /// </summary>
    public static IEnumerable<string> Rows(Result one, Result two, Result? steady, int imageBytes, Budgeted? budgeted = null)
    {
        var n = one.Devices.ToString("N0", CultureInfo.InvariantCulture);
        yield return $"| fleet of {n} devices, backlog of {one.Records} records ({imageBytes / 1024} KiB images) into 1 collector (PostgreSQL index), records/s | {Stats.F(one.RecordsPerSecond)} ({Stats.F(one.MegabytesPerSecond, "0.00")} MB/s; {Check(one)}; {Resends(one)}) | n/a | n/a |";
        yield return $"| fleet of {n} devices, same backlog into 2 collectors on a shared subscription (same store, PostgreSQL index; no CPU budget: collectors, devices, broker and PostgreSQL share this machine's cores), records/s | {Stats.F(two.RecordsPerSecond)} ({Stats.F(two.MegabytesPerSecond, "0.00")} MB/s; {Check(two)}; {Resends(two)}) | {Stats.F(one.RecordsPerSecond)} (1 collector) | {Stats.Ratio(one.RecordsPerSecond, two.RecordsPerSecond)} (2 collectors = {Stats.F(two.RecordsPerSecond / one.RecordsPerSecond, "0.00")}× one; goal ≥ 1.6×) |";
        yield return $"| fleet of {n} devices, backlog: CPU s per 1,000 records, collector(s) / broker / PostgreSQL / devices (1 collector; 2 collectors) | {Cpu(one)}; {Cpu(two)} | n/a | n/a |";
        if (budgeted is not null)
        {
            var (b1, b2) = (budgeted.One, budgeted.Two);
            var budget = Stats.F(b1.CpuBudget ?? double.NaN, "0.00");
            var rounds = $"median of {budgeted.Ones.Count} rounds";
            yield return $"| fleet of {n} devices, same backlog, each collector held to {budget} cores (cgroup CPU quota, as on a host of its own; broker, PostgreSQL and devices unbudgeted): 1 collector, records/s, {rounds} | {Stats.F(b1.RecordsPerSecond)} (rounds {Rounds(budgeted.Ones)}; all rounds {Check(budgeted.Ones)}; median round: {Resends(b1)}, collector cores busy {Cores(b1)}) | n/a | n/a |";
            yield return $"| fleet of {n} devices, same backlog into 2 collectors each held to {budget} cores, records/s, {rounds} | {Stats.F(b2.RecordsPerSecond)} (rounds {Rounds(budgeted.Twos)}; all rounds {Check(budgeted.Twos)}; median round: {Resends(b2)}, collector cores busy {Cores(b2)}) | {Stats.F(b1.RecordsPerSecond)} (1 collector held to {budget} cores) | {Stats.Ratio(b1.RecordsPerSecond, b2.RecordsPerSecond)} (2 collectors = {Stats.F(budgeted.Ratio, "0.00")}× one; goal ≥ 1.6×) |";
            yield return $"| fleet of {n} devices, budgeted backlog, median rounds: CPU s per 1,000 records, collector(s) / broker / PostgreSQL / devices (1 collector; 2 collectors) | {Cpu(b1)}; {Cpu(b2)} | n/a | n/a |";
        }

        if (steady is null)
        {
            yield break;
        }

        yield return $"| fleet of {n} devices, steady {Stats.F(steady.RecordsPerSecond)} records/s into 1 collector (SQLite index): record created → signed stored receipt, p50 / p99 (ms) | {Stats.F(Stats.Percentile(steady.StoredLatencyMs, 50))} / {Stats.F(Stats.Percentile(steady.StoredLatencyMs, 99))} ({steady.Records} records; {Check(steady)}; {Resends(steady)}) | n/a | n/a |";
        yield return $"| fleet of {n} devices, steady: CPU s per 1,000 records, collector / broker / devices; collector cores busy | {Stats.F(steady.CollectorCpuPer1000, "0.00")} / {Stats.F(steady.BrokerCpuPer1000, "0.00")} / {Stats.F(steady.DeviceCpuSeconds * 1000 / steady.Records, "0.00")}; {Stats.F(steady.CollectorCpuSeconds / steady.Elapsed.TotalSeconds, "0.00")} | n/a | n/a |";
    }

    /// <summary>Every round's loss and duplicates, summed; "TIMED OUT" when any round did not complete.</summary>
    internal static string Check(IReadOnlyList<Result> rounds) =>
        rounds.All(r => r.Completed) ? $"{rounds.Sum(r => r.Lost)} lost, {rounds.Sum(r => r.Duplicated)} duplicated" : $"TIMED OUT in {rounds.Count(r => !r.Completed)} round(s): {rounds.Sum(r => r.Lost)} not stored";

    /// <summary>Each round's records/s, in the order run.</summary>
    internal static string Rounds(IReadOnlyList<Result> rounds) => string.Join(", ", rounds.Select(r => Stats.F(r.RecordsPerSecond)));

    internal static string Check(Result r) => r.Completed ? $"{r.Lost} lost, {r.Duplicated} duplicated" : $"TIMED OUT: {r.Lost} not stored";

    private static string Resends(Result r) => $"{r.Resent} resent, {r.Incomplete} of them on 'incomplete'";

    private static string Cpu(Result r) => $"{Stats.F(r.CollectorCpuPer1000, "0.00")} / {Stats.F(r.BrokerCpuPer1000, "0.00")} / {Stats.F(r.PostgresCpuPer1000, "0.00")} / {Stats.F(r.DeviceCpuSeconds * 1000 / r.Records, "0.00")}";

    private static string Cores(Result r) => string.Join(" + ", r.CollectorCores.Select(c => Stats.F(c, "0.00"))) + (r.CpuBudget is null ? "" : $", throttled in {Stats.F(r.ThrottledShare * 100, "0")}% of periods");
}
