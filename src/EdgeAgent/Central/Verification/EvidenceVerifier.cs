using System.Globalization;
using EdgeAgent.Central.Collector;
using EdgeAgent.Procedure;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Verification;

/// <summary>
/// Verifies a collector's evidence store (<c>{root}/{site}/{device}/{work order}/{sequence}-{step}-{camera}.json|.jpg</c>),
/// a directory or a bucket: each device's chain (<see cref="ChainVerifier"/>), then each work order's completeness
/// (<see cref="CompletenessChecker"/>), and, for a store with write-once retention, each object's retention.
/// </summary>
public static class EvidenceVerifier
{
    /// <summary>Verifies the directory store at <paramref name="root"/>.</summary>
    public static VerificationReport Verify(string root, EnrolledKeys? keys = null, IReadOnlyDictionary<string, ProcedureTemplate>? templates = null, IProgress<Platform.WorkProgress>? progress = null)
    {
        using var store = new EvidenceStore(root);
        return Verify(store, keys, templates, progress);
    }

    /// <param name="keys">Enrolled public keys; null skips signature checks (with a warning).</param>
    /// <param name="templates">Procedure templates; null skips completeness checks (with a warning).</param>
    /// <param name="progress">Told as each record is verified.</param>
    public static VerificationReport Verify(IEvidenceStore store, EnrolledKeys? keys = null, IReadOnlyDictionary<string, ProcedureTemplate>? templates = null, IProgress<Platform.WorkProgress>? progress = null)
    {
        var failures = new List<VerificationFailure>();
        var warnings = new List<string>();
        var jobs = new List<JobSummary>();
        if (keys is null)
        {
            warnings.Add("signatures not checked: pass --keys with the devices' enrolled public keys");
        }

        if (templates is null)
        {
            warnings.Add("completeness not checked: no procedure templates");
        }

        var count = 0;
        var done = 0;
        var all = store.List().ToList();
        var layout = all.Where(p => p.RecordKey.Split('/').Length == 4 && NameSequence(p.RecordKey) is not null).ToList();
        if (layout.Count < all.Count)
        {
            warnings.Add($"ignored {all.Count - layout.Count} JSON files outside the record layout {{site}}/{{device}}/{{work order}}/{{sequence}}-{{step}}-{{camera}}.json");
        }

        var located = layout.Select(p => (p.RecordKey, p.ImageKey, Json: store.Read(p.RecordKey) ?? [])).Select(p => (p.RecordKey, p.ImageKey, p.Json, Device: Locate(p.RecordKey, p.Json, failures))).ToList();
        var devices = located
            .GroupBy(p => p.Device, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var stored = device
                .Select(p => new StoredRecord(p.RecordKey, NameSequence(p.RecordKey), p.Json, () => store.Read(p.ImageKey)))
                .OrderBy(r => r.NameSequence ?? long.MaxValue)
                .ThenBy(r => r.Name, StringComparer.Ordinal)
                .ToList();
            count += stored.Count;
            var key = keys?.For(device.Key);
            if (keys is not null && key is null)
            {
                failures.Add(new(device.Key, Path.GetDirectoryName(stored[0].Name) ?? device.Key, null, VerificationFailure.Checks.Signature, $"no enrolled key for device '{device.Key}' (expected {device.Key}.pem)"));
            }

            var chain = ChainVerifier.VerifyDevice(device.Key, stored.Select((r, i) => { progress?.Report(new Platform.WorkProgress("verify", done + i + 1, layout.Count)); return r; }), key);
            done += stored.Count;
            failures.AddRange(chain.Failures);
            ClockConsistencyChecker.Check(device.Key, chain.Records.Select(r => r.Record), warnings);
            if (templates is not null)
            {
                failures.AddRange(CompletenessChecker.Check(device.Key, chain.Records, templates, warnings, jobs));
            }
        }

        var retention = store.SupportsRetention
            ? layout.SelectMany(p => new[] { p.RecordKey, p.ImageKey }).Select(k => new ObjectRetention(k, store.Retention(k))).ToList()
            : [];
        if (store is IVersionedStore versioned)
        {
            // The tail record deleted, or any object overwritten: named here with the collector's own version, which
            // Object Lock keeps (a plain read only shows the damage, or nothing at all for a deleted last record).
            foreach (var history in versioned.Rewritten())
            {
                if (versioned.AsWritten)
                {
                    warnings.Add($"{history.Key}: {history.Describe()}; verified as written");
                }
                else
                {
                    failures.Add(new(VerificationReport.DeviceOf(history.Key), history.Key, null, VerificationFailure.Checks.Rewritten, $"{history.Describe()}; verify --as-written checks the evidence as the collector wrote it"));
                }
            }
        }

        return new VerificationReport(count, failures, warnings) { Jobs = jobs, Retention = retention };
    }

    /// <summary>
    /// The device a record file belongs to: its <c>{site}/{device}/{work order}</c> segments decoded
    /// (<see cref="SafePath.Decode"/>) and compared with the record, so <c>cv.1</c> and <c>cv_1</c> stay apart.
    /// A store written before the reversible encoding is still read: a segment equal to the record's old
    /// sanitised form (<see cref="SafePath.LegacySegment"/>) counts as a match. A record under another
    /// site or work order than it names is a <see cref="VerificationFailure.Checks.Location"/> failure; under
    /// another device, it is grouped by the directory and fails the device check.
    /// </summary>
    private static string Locate(string relative, byte[] json, List<VerificationFailure> failures)
    {
        var segments = relative.Split('/');
        var directoryDevice = SafePath.Decode(segments[1]) ?? segments[1];
        EvidenceRecord record;
        try
        {
            record = EvidenceRecord.FromJson(json);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or IOException)
        {
            return directoryDevice; // the chain check reports it
        }

        if (!Matches(segments[1], record.DeviceId))
        {
            return directoryDevice;
        }

        foreach (var (segment, name, what) in new[] { (segments[0], record.SiteId, "site"), (segments[2], record.WorkOrder?.Id, "work order") })
        {
            if (!Matches(segment, name))
            {
                failures.Add(new(record.DeviceId, relative, record.Sequence, VerificationFailure.Checks.Location, $"stored under {what} '{SafePath.Decode(segment) ?? segment}' but the record names '{name}'"));
            }
        }

        return record.DeviceId;
    }

    private static bool Matches(string segment, string? name) =>
        name is not null && (SafePath.Decode(segment) == name || (!segment.Contains('%', StringComparison.Ordinal) && segment == SafePath.LegacySegment(name)));

    /// <summary>The sequence in a <c>{sequence:D8}-{step}-{camera}.json</c> name.</summary>
    private static long? NameSequence(string path)
    {
        var name = Path.GetFileName(path);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }
}
