using System.Globalization;
using EdgeAgent.Collector;
using EdgeAgent.Procedure;

namespace EdgeAgent.Verification;

/// <summary>
/// Verifies a collector's evidence store (<c>{root}/{site}/{device}/{work order}/{sequence}-{step}-{camera}.json|.jpg</c>):
/// each device's chain (<see cref="ChainVerifier"/>), then each work order's completeness (<see cref="CompletenessChecker"/>).
/// </summary>
public static class EvidenceVerifier
{
    /// <param name="keys">Enrolled public keys; null skips signature checks (with a warning).</param>
    /// <param name="templates">Procedure templates; null skips completeness checks (with a warning).</param>
    /// <param name="progress">Told as each record is verified.</param>
    public static VerificationReport Verify(string root, EnrolledKeys? keys = null, IReadOnlyDictionary<string, ProcedureTemplate>? templates = null, IProgress<Platform.WorkProgress>? progress = null)
    {
        var store = new EvidenceStore(root);
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
        var all = store.Enumerate().Select(p => (Json: p.JsonPath, p.ImagePath, Relative: Path.GetRelativePath(store.Root, p.JsonPath))).ToList();
        var layout = all.Where(p => p.Relative.Split(Path.DirectorySeparatorChar).Length == 4 && NameSequence(p.Json) is not null).ToList();
        if (layout.Count < all.Count)
        {
            warnings.Add($"ignored {all.Count - layout.Count} JSON files outside the record layout {{site}}/{{device}}/{{work order}}/{{sequence}}-{{step}}-{{camera}}.json");
        }

        var devices = layout
            .GroupBy(p => DeviceOf(p.Relative), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var stored = device
                .Select(p => new StoredRecord(p.Relative, NameSequence(p.Json), File.ReadAllBytes(p.Json), () => File.Exists(p.ImagePath) ? File.ReadAllBytes(p.ImagePath) : null))
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

        return new VerificationReport(count, failures, warnings) { Jobs = jobs };
    }

    /// <summary>The device segment of <c>{site}/{device}/…</c>.</summary>
    private static string DeviceOf(string relative) => relative.Split(Path.DirectorySeparatorChar)[1];

    /// <summary>The sequence in a <c>{sequence:D8}-{step}-{camera}.json</c> name.</summary>
    private static long? NameSequence(string path)
    {
        var name = Path.GetFileName(path);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }
}
