using EdgeAgent.Capture.Overlay;

namespace EdgeAgent.Tests.Capture;

public sealed class OverlayRendererTests
{
    private static readonly OverlayFields Fields = new(
        Site: "上海二厂",
        Point: "conveyor-1",
        Camera: "cam-1",
        WorkOrder: "WO-2026-0042",
        StepNames: new Dictionary<string, string> { ["en"] = "Personal lock applied", ["zh"] = "已上个人锁" },
        StepId: "locked",
        Operator: "张伟",
        Trigger: "LockOn gpio lock-a",
        Time: new DateTimeOffset(2026, 1, 5, 8, 30, 15, 250, TimeSpan.Zero));

    [Fact]
    public void Stamp_of_a_lock_record_names_the_locks_holder_and_shows_when_the_frame_was_produced()
    {
        var record = EdgeAgent.Tests.Evidence.TestRecords.Unsigned(3, EdgeAgent.Protocol.EvidenceSignature.GenesisHash, [1, 2, 3]);
        record = record with { Trigger = new EdgeAgent.Protocol.TriggerStamp("LockOn", "gpio", "lock-a", record.Trigger.EdgeTime, null) { Holder = "wang.fang" } };
        var options = new OverlayOptions { TimeZone = "UTC" };

        var lines = OverlayFields.From(record).Lines(options);

        Assert.Contains(lines, l => l.Contains("LockOn gpio lock-a · lock of wang.fang", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(record.Frame.ProducedAt!.Value.UtcDateTime.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void Chinese_text_renders_with_real_glyphs_not_boxes()
    {
        var options = new OverlayOptions();

        Assert.Equal(0, OverlayRenderer.MissingGlyphs("能源已隔离 · 已上个人锁 · 张伟", options));
    }

    [Fact]
    public void Overlay_copy_has_the_stamp_burned_in_while_the_original_stays_untouched_and_hashed()
    {
        var frame = TestImages.Scene();
        var before = EvidencePhoto.Sha256(frame.Pixels);
        var options = new OverlayOptions { TimeZone = "Asia/Shanghai" };

        var photo = EvidencePhoto.Develop(frame, 90, Fields, options);
        var stamped = OverlayRenderer.Render(frame, Fields.Lines(options), options);

        Assert.Equal(before, EvidencePhoto.Sha256(frame.Pixels));
        Assert.Equal(EvidencePhoto.Sha256(JpegEncoder.Encode(frame, 90)), photo.OriginalSha256);
        Assert.NotEqual(photo.OriginalSha256, photo.OverlaySha256);
        Assert.Equal(photo.OverlaySha256, EvidencePhoto.Sha256(photo.Overlay!));

        // Text goes in the band at the bottom: many pixels changed there, none in the top half.
        var bandTop = frame.Height * 3 / 4;
        Assert.True(ChangedPixels(frame, stamped, bandTop, frame.Height) > 2000, "the text band is drawn");
        Assert.Equal(0, ChangedPixels(frame, stamped, 0, frame.Height / 2));
    }

    [Fact]
    public void Chinese_step_name_changes_the_pixels_where_it_is_written()
    {
        var frame = TestImages.Scene();
        var options = new OverlayOptions { Lines = ["{step}"], Position = "top" };
        var zh = OverlayRenderer.Render(frame, Fields.Lines(options), options);
        var other = OverlayRenderer.Render(frame, Fields.Lines(options).Select(_ => "能源已隔离").ToList(), options);

        var band = (int)(frame.Height * options.TextHeight * 3);
        Assert.True(ChangedPixels(frame, zh, 0, band) > 300, "glyphs drawn in the text area");
        Assert.True(ChangedPixels(zh, other, 0, band) > 100, "different characters give different pixels");
    }

    [Fact]
    public void Line_templates_are_filled_with_step_name_in_the_chosen_language_and_local_and_utc_time()
    {
        var lines = Fields.Lines(new OverlayOptions { TimeZone = "Asia/Shanghai" });

        Assert.Equal("上海二厂 · conveyor-1 · 已上个人锁", lines[0]);
        Assert.Equal("张伟 · LockOn gpio lock-a · WO-2026-0042", lines[1]);
        Assert.Equal("2026-01-05 16:30:15.250 +08:00 · 2026-01-05 08:30:15.250 UTC", lines[2]);
        Assert.Equal("Personal lock applied", Fields.Lines(new OverlayOptions { Language = "de", Lines = ["{step}"] })[0]);
    }

    private static int ChangedPixels(RawFrame a, RawFrame b, int fromRow, int toRow)
    {
        var changed = 0;
        for (var i = fromRow * a.Width * 3; i < toRow * a.Width * 3; i += 3)
        {
            if (a.Pixels[i] != b.Pixels[i] || a.Pixels[i + 1] != b.Pixels[i + 1] || a.Pixels[i + 2] != b.Pixels[i + 2])
            {
                changed++;
            }
        }

        return changed;
    }
}
