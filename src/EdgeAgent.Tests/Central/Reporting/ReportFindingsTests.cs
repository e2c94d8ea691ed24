using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central.Reporting;

public sealed class ReportFindingsTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly EvidenceStoreBuilder store;

    public ReportFindingsTests() => store = new EvidenceStoreBuilder(temp.Combine("store"));

    private static IReadOnlyDictionary<string, ProcedureTemplate> Templates => ProcedureTemplate.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "procedures"));

    private JobReport Job() => Assert.Single(new ReportGenerator(TimeProvider.System).Generate(store.Store.Root, temp.Combine("report"), Templates).Jobs);

    [Fact]
    public void Clean_job_is_verified_with_no_findings()
    {
        store.AddCleanJob();
        var job = Job();
        Assert.Equal(JobStatus.Verified, job.Status);
        Assert.Empty(job.Findings);
        Assert.Equal(EvidenceStoreBuilder.Steps, job.Entries.Select(e => e.Record.Step.Id));
    }

    [Fact]
    public void Unlock_before_area_cleared_is_flagged_out_of_order()
    {
        store.Add("isolated");
        store.Add("locked", "LockOn");
        store.Add("zero-energy-verified");
        store.Add("zero-energy-verified", "LockOff", advanced: false);
        var job = Job();
        var finding = Assert.Single(job.Findings, f => f.Kind == FindingKind.OutOfOrder);
        Assert.Equal(4, finding.Sequence);
        Assert.Contains("area-cleared", finding.Text, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Findings, job.Status);
    }

    [Fact]
    public void Step_without_photo_is_flagged_missing()
    {
        store.Add("isolated");
        store.Add("zero-energy-verified");
        var job = Job();
        var missing = job.Findings.Where(f => f.Kind == FindingKind.MissingStep).Select(f => f.Text).ToList();
        Assert.Contains(missing, t => t.Contains("'locked'", StringComparison.Ordinal) && t.Contains("has no photo", StringComparison.Ordinal));
        Assert.Contains(missing, t => t.Contains("'restored'", StringComparison.Ordinal) && t.Contains("not reached", StringComparison.Ordinal));
    }

    [Fact]
    public void Clock_going_backwards_is_flagged_unsynchronised()
    {
        store.Add("isolated");
        store.Clock = store.Clock.AddMinutes(-10);
        store.Add("locked", "LockOn");
        var job = Job();
        Assert.Contains(job.Findings, f => f.Kind == FindingKind.UnsynchronisedClock && f.Sequence == 2);
    }

    [Fact]
    public void Record_clock_stamp_not_synchronised_or_jumping_is_flagged()
    {
        store.Add("isolated", bendJson: j => j["clock"] = new System.Text.Json.Nodes.JsonObject { ["synchronized"] = false, ["monotonicMs"] = 1000 });
        store.Add("locked", "LockOn", bendJson: j => j["clock"] = new System.Text.Json.Nodes.JsonObject { ["synchronized"] = true, ["monotonicMs"] = 2000, ["jumpMs"] = -4000 });
        store.Add("zero-energy-verified", bendJson: j => j["clock"] = new System.Text.Json.Nodes.JsonObject { ["synchronized"] = true, ["monotonicMs"] = 3000 });
        store.Add("area-cleared", bendJson: j => j["clock"] = new System.Text.Json.Nodes.JsonObject { ["synchronized"] = false, ["monotonicMs"] = 4000 });
        var clock = Job().Findings.Where(f => f.Kind == FindingKind.UnsynchronisedClock).ToList();
        Assert.Equal(2, clock.Count);
        Assert.StartsWith("records #1, #4: ", clock.Single(f => f.Text.Contains("not synchronised", StringComparison.Ordinal)).Text, StringComparison.Ordinal);
        Assert.Contains(clock, f => f.Sequence == 2 && f.Text.Contains("-4000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public void Device_finding_codes_are_sorted_into_kinds()
    {
        store.Add("isolated");
        store.Add("locked", "LockOn");
        store.Add("locked", "LockOff", advanced: false, bend: r => r with { Findings = ["unlock-before-zero-energy: lock 'lock-a' came off before 'zero-energy-verified'", "clock-jump: wall clock moved 90 s"] });
        var findings = Job().Findings;
        Assert.Contains(findings, f => f.Kind == FindingKind.OutOfOrder && f.Text.StartsWith("unlock-before-zero-energy", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == FindingKind.UnsynchronisedClock && f.Text.StartsWith("clock-jump", StringComparison.Ordinal));
    }

    [Fact]
    public void At_photo_produced_before_the_trigger_and_blank_frames_are_flagged_bad()
    {
        store.Add("isolated", offsetMs: -1200, bend: r => r with { Frame = r.Frame with { Role = EdgeAgent.Protocol.FrameRole.At } });
        store.Add("locked", "LockOn", image: EvidenceStoreBuilder.Jpeg(640, 360, "", blank: true));
        var job = Job();
        Assert.Contains(job.Findings, f => f.Kind == FindingKind.BadFrame && f.Sequence == 1 && f.Text.Contains("before the trigger", StringComparison.Ordinal));
        Assert.Contains(job.Findings, f => f.Kind == FindingKind.BadFrame && f.Sequence == 2 && f.Text.Contains("blank", StringComparison.Ordinal));
    }

    [Fact]
    public void Pre_trigger_photo_and_late_photo_are_not_flagged_as_bad_frames()
    {
        store.Add("isolated");
        store.Add("locked", "LockOn", offsetMs: -250); // a pre photo, as the template asks
        store.Add("zero-energy-verified");
        store.Add("locked", "LockOn", offsetMs: 40000, bend: r => r with { Frame = r.Frame with { Late = new EdgeAgent.Protocol.LateStamp(40000, "camera reconnecting") } }); // after the job moved on
        var job = Job();
        Assert.DoesNotContain(job.Findings, f => f.Kind == FindingKind.BadFrame);
        Assert.DoesNotContain(job.Findings, f => f.Kind == FindingKind.OutOfOrder);
    }

    [Fact]
    public void Tampered_image_fails_verification_and_the_job()
    {
        store.AddCleanJob();
        var (_, image) = store.Store.Enumerate().Order().ElementAt(2);
        var bytes = File.ReadAllBytes(image);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(image, bytes);
        var job = Job();
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(VerificationStatus.Failed, job.Entries[2].Check.Status);
        Assert.All(job.Entries.Where((_, i) => i != 2), e => Assert.Equal(VerificationStatus.Verified, e.Check.Status));
    }

    [Fact]
    public void Hostile_text_in_a_record_is_escaped_in_the_page()
    {
        store.Add("isolated", op: "<script>alert('x')</script>");
        var result = new ReportGenerator(TimeProvider.System).Generate(store.Store.Root, temp.Combine("report"), Templates);
        var page = File.ReadAllText(Directory.GetFiles(Path.GetDirectoryName(result.IndexPath)!, "job-*.html").Single());
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert", page, StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
