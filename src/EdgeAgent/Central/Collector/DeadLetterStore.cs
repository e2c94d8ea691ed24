using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// Messages that can never be stored, kept for people to look at:
/// <c>{root}/.dead-letter/{received:yyyyMMddTHHmmssfff}-{n}.bin</c> (the payload, at most
/// <see cref="MaxPayloadBytes"/>) beside a <c>.reason.json</c> (topic, device, reason, full length).
/// Bounded: past <see cref="MaxEntries"/> entries or <see cref="MaxBytes"/> the oldest go; and at most
/// <see cref="PerDevicePerMinute"/> are written per device per minute, the rest only counted, so a flood of
/// junk costs a counter, not disk writes. Not fsynced: this is a diagnostic copy, not evidence.
/// </summary>
public sealed class DeadLetterStore
{
    public const int MaxPayloadBytes = 1024 * 1024;
    public const int MaxEntries = 1000;
    public const long MaxBytes = 256L * 1024 * 1024;
    public const int PerDevicePerMinute = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock sync = new();
    private readonly Queue<(string Stem, long Bytes)> entries = new();
    private readonly Dictionary<string, (long Minute, int Count)> rate = new(StringComparer.Ordinal);
    private readonly TimeProvider timeProvider;
    private long bytes;
    private long kept;
    private long counted;
    private int serial;

    /// <summary>Only assigns: the disk work is <see cref="Open"/>'s.</summary>
    private DeadLetterStore(string storeRoot, TimeProvider timeProvider)
    {
        Directory = Path.Combine(Path.GetFullPath(storeRoot), ".dead-letter");
        this.timeProvider = timeProvider;
    }

    /// <summary>Opens the dead letters under <paramref name="storeRoot"/>, counting those kept before a restart against the bounds.</summary>
    public static DeadLetterStore Open(string storeRoot, TimeProvider timeProvider)
    {
        var store = new DeadLetterStore(storeRoot, timeProvider);
        System.IO.Directory.CreateDirectory(store.Directory);
        foreach (var file in new DirectoryInfo(store.Directory).EnumerateFiles("*.bin").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            store.entries.Enqueue((Path.Combine(store.Directory, Path.GetFileNameWithoutExtension(file.Name)), file.Length));
            store.bytes += file.Length;
        }

        return store;
    }

    public string Directory { get; }

    /// <summary>Messages dead-lettered since start (kept on disk or only counted).</summary>
    public long Count => Interlocked.Read(ref counted);

    /// <summary>Of <see cref="Count"/>, those written to disk.</summary>
    public long Kept => Interlocked.Read(ref kept);

    /// <summary>Entries on disk now.</summary>
    public int OnDisk
    {
        get
        {
            lock (sync)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>Records one message; returns whether its bytes were kept (false: rate-limited, only counted).</summary>
    /// <exception cref="IOException">The disk refused the write (a transient failure: the caller does not acknowledge).</exception>
    public bool Add(string topic, string? deviceId, ReadOnlySpan<byte> payload, string reason)
    {
        var now = timeProvider.GetUtcNow();
        lock (sync)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            var key = deviceId ?? "";
            var (at, count) = rate.GetValueOrDefault(key);
            if (at == minute && count >= PerDevicePerMinute)
            {
                Interlocked.Increment(ref counted);
                return false;
            }

            if (rate.Count > 10_000)
            {
                rate.Clear(); // bounded by devices seen in a minute, not by every id ever seen
            }

            rate[key] = (minute, at == minute ? count + 1 : 1);
            var stem = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd'T'HHmmssfff}-{Interlocked.Increment(ref serial):D6}"));
            var body = payload.Length > MaxPayloadBytes ? payload[..MaxPayloadBytes] : payload;
            File.WriteAllBytes(stem + ".bin", body.ToArray());
            File.WriteAllBytes(stem + ".reason.json", JsonSerializer.SerializeToUtf8Bytes(
                new { topic, deviceId, reason, receivedAt = now, bytes = payload.Length, keptBytes = body.Length }, Json));
            entries.Enqueue((stem, body.Length));
            bytes += body.Length;
            while (entries.Count > MaxEntries || bytes > MaxBytes)
            {
                var (oldest, size) = entries.Dequeue();
                File.Delete(oldest + ".bin");
                File.Delete(oldest + ".reason.json");
                bytes -= size;
            }

            Interlocked.Increment(ref counted);
            Interlocked.Increment(ref kept);
            return true;
        }
    }
}
