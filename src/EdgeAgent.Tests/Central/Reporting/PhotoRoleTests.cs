using System.Text.Json.Nodes;
using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>Photo roles and timing as the report reads them from schema /1 and /2 records, and the stamped copy it draws.</summary>
public sealed class PhotoRoleTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly EvidenceStoreBuilder store;

    public PhotoRoleTests() => store = new EvidenceStoreBuilder(temp.Combine("store"));

    private ReportResult Generate() => new ReportGenerator(TimeProvider.System).Generate(store.Store.Root, temp.Combine("report"));

    /// <summary>Several photos of one trigger: the builder moves the clock per record, so pin the trigger edge.</summary>
    private void AddBurst(string step, string trigger, params double[] offsets)
    {
        DateTimeOffset? edge = null;
        foreach (var offset in offsets)
        {
            store.Add(step, trigger, advanced: edge is null, offsetMs: offset, bend: r =>
            {
                edge ??= r.Trigger.EdgeTime;
                return r with { Trigger = r.Trigger with { EdgeTime = edge.Value }, Frame = r.Frame with { ArrivedAt = edge.Value.AddMilliseconds(offset) } };
            }, bendJson: json =>
            {
                // Written as an older device wrote it: schema /1 states only the arrival age.
                json["schema"] = "edgeagent.evidence/1";
                var frame = json["frame"]!.AsObject();
                foreach (var member in new[] { "producedAt", "producedBasis", "offsetMs", "role" })
                {
                    frame.Remove(member);
                }

                frame["ageMs"] = offset;
            });
        }
    }

    [Fact]
    public void Schema_1_roles_come_from_the_sign_of_ageMs_pre_then_the_first_at_then_post()
    {
        AddBurst("locked", "LockOn", -600, -300, 40, 400);

        var job = Assert.Single(Generate().Jobs);

        Assert.Equal([PhotoRole.Pre, PhotoRole.Pre, PhotoRole.At, PhotoRole.Post], job.Entries.Select(e => e.Timing.Role));
        Assert.Equal([-600d, -300, 40, 400], job.Entries.Select(e => e.Timing.OffsetMs));
        Assert.DoesNotContain(job.Findings, f => f.Kind == FindingKind.BadFrame);
    }

    [Fact]
    public void Schema_2_role_offset_produced_time_holder_and_lateness_are_read_from_the_record()
    {
        var produced = new DateTimeOffset(2026, 3, 14, 8, 0, 29, 700, TimeSpan.Zero);
        store.Add("locked", "LockOn", bendJson: json =>
        {
            json["schema"] = "edgeagent.evidence/2";
            var frame = json["frame"]!.AsObject();
            frame.Remove("ageMs");
            frame["producedAt"] = produced.ToString("O");
            frame["producedBasis"] = "camera-clock";
            frame["offsetMs"] = -300;
            frame["role"] = "pre";
            frame["late"] = new JsonObject { ["delayMs"] = 950 };
            json["trigger"]!["holder"] = "zhang.wei";
        });

        var entry = Assert.Single(Assert.Single(Generate().Jobs).Entries);

        Assert.Equal(new PhotoTiming(PhotoRole.Pre, -300, produced, "camera-clock", 950), entry.Timing);
        Assert.Equal("zhang.wei", entry.Facts.Holder);
    }

    [Fact]
    public void Pre_trigger_photo_is_labelled_pre_trigger_on_the_page_never_bad_frame()
    {
        AddBurst("locked", "LockOn", -500, 60);

        var result = Generate();
        var page = File.ReadAllText(result.Pages.Single());

        Assert.Contains("data-role=\"pre\"", page, StringComparison.Ordinal);
        Assert.Contains("<span lang=\"en\">pre-trigger</span><span lang=\"zh\">触发前</span>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad frame</span> ", page, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Jobs[0].Findings, f => f.Kind == FindingKind.BadFrame);
    }

    [Fact]
    public void Report_holds_a_byte_identical_original_and_a_stamped_copy_drawn_from_the_record()
    {
        var record = store.Add("locked", "LockOn");

        var result = Generate();
        var entry = Assert.Single(result.Jobs[0].Entries);
        var report = Path.GetDirectoryName(result.IndexPath)!;
        var original = File.ReadAllBytes(Path.Combine(report, entry.Original!));
        var stamped = JpegEncoder.Decode(File.ReadAllBytes(Path.Combine(report, entry.Stamped!)));
        var plain = JpegEncoder.Decode(original);

        Assert.Equal(record.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(original)));
        Assert.Equal((plain.Width, plain.Height), (stamped.Width, stamped.Height));
        Assert.True(MeanDifference(plain, stamped, plain.Height * 2 / 3, plain.Height) > 10, "the stamp band is drawn at the bottom");
        Assert.True(MeanDifference(plain, stamped, 0, plain.Height / 3) < 3, "the top of the photo is the photo");
        var lines = ReportStamp.Lines(entry.Record, entry.Facts, entry.Timing);
        Assert.Contains(lines, l => l.Contains("已上个人锁", StringComparison.Ordinal) && l.Contains("locked", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("WO-1", StringComparison.Ordinal) && l.Contains("site-a", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("+80 ms, at trigger", StringComparison.Ordinal));
    }

    private static double MeanDifference(RawFrame a, RawFrame b, int fromRow, int toRow)
    {
        long sum = 0;
        for (var i = fromRow * a.Width * 3; i < toRow * a.Width * 3; i++)
        {
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        }

        return (double)sum / ((toRow - fromRow) * a.Width * 3);
    }

    public void Dispose() => temp.Dispose();
}
