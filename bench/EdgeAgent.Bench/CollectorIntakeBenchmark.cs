using System.Diagnostics;
using System.Security.Cryptography;
using EdgeAgent.Central.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Bench;

/// <summary>
/// The collector's per-record work without MQTT (issue #19): signed, chained records with 66 KiB images through the
/// real <see cref="EvidenceIntake"/> (directory store, SQLite index, enrolled key), split as the pipelined collector
/// splits it. <see cref="EvidenceIntake.Read"/> (validate, bind, chain hash, signature) runs on the thread pool in
/// parallel; the serial stage (stage the chunk, look up, assemble, SHA-256, store, index, chain check) and the group
/// commit (batches of 32 records) run one at a time. Before the pipeline, both ran on the serial path.
/// </summary>
public static class CollectorIntakeBenchmark
{
    /// <param name="ReadMs">Reading one record (CPU of the thread).</param>
    /// <param name="SerialMs">The serial stage per record, its share of the batch commits included (wall clock, one thread).</param>
    /// <param name="SerialCpuMs">The same, CPU of the thread (kernel time of its syscalls included).</param>
    /// <param name="ChunkMs">Of the serial stage: staging the chunk (wall clock).</param>
    /// <param name="RecordMs">Of the serial stage: the record (wall clock).</param>
    /// <param name="CommitMs">Of the serial stage: the commits (wall clock, per record).</param>
    public sealed record Result(int Records, double ReadMs, double SerialMs, double SerialCpuMs, double ChunkMs, double RecordMs, double CommitMs);

    public const int BatchRecords = 32;

    /// <summary>
    /// CPU time of the calling thread (<c>/proc/thread-self/stat</c>, utime + stime): the intake runs synchronously on
    /// one thread, and the bench process has other busy threads (the camera stream server draws frames).
    /// </summary>
    private static TimeSpan ThreadCpu()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    public static Result Run(BenchOptions options, byte[] image)
    {
        var directory = Path.Combine(options.WorkDirectory, "intake");
        var keys = Path.Combine(directory, "keys");
        Directory.CreateDirectory(keys);
        using var key = DeviceKey.LoadOrCreate(Path.Combine(directory, "device"));
        var agent = new EdgeAgentOptions { DeviceId = "bench-intake", SiteId = "bench" };
        File.WriteAllText(Path.Combine(keys, agent.DeviceId + ".pem"), key.PublicKeyPem);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        var messages = new List<byte[]>();
        var previous = EvidenceSignature.GenesisHash;
        for (var sequence = 1; sequence <= options.BacklogRecords; sequence++)
        {
            var json = EvidenceSignature.Sign(BacklogBenchmark.Record(sequence, agent, sha, image.Length) with { PrevHash = previous }, key.Key).ToJson();
            previous = EvidenceSignature.RecordHash(json);
            messages.Add(json);
        }

        using var intake = EvidenceIntake.Open(
            new CollectorOptions { Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = Path.Combine(directory, "store"), KeysDirectory = keys },
            NullLogger.Instance);

        // Reading: once through on this thread (what each record costs; the collector spreads it over the cores).
        var cpu = ThreadCpu();
        var read = messages.Select(json => intake.Read(agent.DeviceId, json)).ToList();
        var readCpu = ThreadCpu() - cpu;

        cpu = ThreadCpu();
        var clock = Stopwatch.StartNew();
        long chunk = 0, accept = 0, commit = 0;
        for (var i = 0; i < read.Count; i++)
        {
            if (i % BatchRecords == 0)
            {
                intake.BeginBatch();
            }

            var record = read[i].Record!;
            var start = Stopwatch.GetTimestamp();
            intake.AcceptChunk(agent.DeviceId, record.RecordId.ToString(), "0", "1", image);
            chunk += Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            var receipt = intake.AcceptRecord(read[i]);
            accept += Stopwatch.GetTimestamp() - start;
            if (receipt?.Status != ReceiptStatus.Stored)
            {
                throw new InvalidOperationException($"record {record.Sequence}: {receipt?.Status} {receipt?.Reason}");
            }

            if (i % BatchRecords == BatchRecords - 1 || i == read.Count - 1)
            {
                var committing = Stopwatch.GetTimestamp();
                intake.CommitBatch();
                commit += Stopwatch.GetTimestamp() - committing;
            }
        }

        var serial = clock.Elapsed;
        var serialCpu = ThreadCpu() - cpu;
        double PerRecord(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / read.Count;
        return new Result(read.Count, readCpu.TotalMilliseconds / read.Count, serial.TotalMilliseconds / read.Count, serialCpu.TotalMilliseconds / read.Count, PerRecord(chunk), PerRecord(accept), PerRecord(commit));
    }
}
