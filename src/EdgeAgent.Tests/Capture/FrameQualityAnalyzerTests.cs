using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Tests.Capture;

public sealed class FrameQualityAnalyzerTests
{
    private static readonly QualityThresholds Defaults = new();

    [Fact]
    public void Live_scene_has_no_flags_and_is_good_evidence()
    {
        var quality = FrameQualityAnalyzer.Analyze(TestImages.Scene(), 0, TimeSpan.Zero, Defaults, TestImages.Scene(30));

        Assert.Empty(quality.Flags);
        Assert.True(quality.Good);
        Assert.True(quality.SceneMatch > 0.75, $"scene match {quality.SceneMatch}");
    }

    [Fact]
    public void Blurred_image_is_flagged_blurry_with_much_lower_sharpness()
    {
        var sharp = FrameQualityAnalyzer.Analyze(TestImages.Scene(), 0, TimeSpan.Zero, Defaults);
        var blurred = FrameQualityAnalyzer.Analyze(TestImages.Blurred(TestImages.Scene()), 0, TimeSpan.Zero, Defaults);

        Assert.Equal([FrameQuality.Blurry], blurred.Flags);
        Assert.True(blurred.Sharpness < sharp.Sharpness / 10, $"blurred {blurred.Sharpness} vs sharp {sharp.Sharpness}");
        Assert.True(blurred.Good, "a soft picture still shows the moment; it is flagged, not rejected");
    }

    [Fact]
    public void Dark_and_overexposed_images_are_flagged_by_exposure()
    {
        Assert.Contains(FrameQuality.Dark, FrameQualityAnalyzer.Analyze(TestImages.Darkened(TestImages.Scene()), 0, TimeSpan.Zero, Defaults).Flags);
        Assert.Contains(FrameQuality.Bright, FrameQualityAnalyzer.Analyze(TestImages.Overexposed(TestImages.Scene()), 0, TimeSpan.Zero, Defaults).Flags);
    }

    [Fact]
    public void Covered_lens_is_flagged_covered_and_is_not_good_evidence()
    {
        var quality = FrameQualityAnalyzer.Analyze(TestImages.Covered(), 0, TimeSpan.Zero, Defaults, TestImages.Scene());

        Assert.Contains(FrameQuality.Covered, quality.Flags);
        Assert.Contains(FrameQuality.SceneMismatch, quality.Flags);
        Assert.False(quality.Good);
    }

    [Fact]
    public void Grey_signal_lost_picture_is_flagged_blank_and_is_not_good_evidence()
    {
        var quality = FrameQualityAnalyzer.Analyze(TestImages.SignalLost(), 0, TimeSpan.Zero, Defaults);

        Assert.Equal([FrameQuality.Blank], quality.Flags);
        Assert.False(quality.Good);
    }

    [Fact]
    public void Picture_unchanged_for_the_frozen_window_is_flagged_frozen()
    {
        var quality = FrameQualityAnalyzer.Analyze(TestImages.Scene(), 40, TimeSpan.FromSeconds(4), Defaults);

        Assert.Equal([FrameQuality.Frozen], quality.Flags);
        Assert.False(quality.Good);
        Assert.Contains("picture unchanged for 4 s, 40 frames", quality.Findings("cam-1").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Picture_repeated_for_less_than_the_frozen_window_is_not_frozen()
    {
        var quality = FrameQualityAnalyzer.Analyze(TestImages.Scene(), 3, TimeSpan.FromMilliseconds(200), Defaults);

        Assert.Empty(quality.Flags);
        Assert.True(quality.Good);
    }

    [Fact]
    public void Camera_moved_away_from_the_commissioned_view_is_a_scene_mismatch()
    {
        var reference = TestImages.Scene();

        var same = SceneMatcher.Score(TestImages.Scene(20), reference);
        var darker = SceneMatcher.Score(TestImages.Darkened(TestImages.Scene(20)), reference);
        var moved = FrameQualityAnalyzer.Analyze(TestImages.Moved(TestImages.Scene(20)), 0, TimeSpan.Zero, Defaults, reference);

        Assert.True(same > 0.75, $"same view {same}");
        Assert.True(darker > 0.75, $"same view, less light {darker}");
        Assert.Contains(FrameQuality.SceneMismatch, moved.Flags);
        Assert.True(moved.SceneMatch < Defaults.MinSceneMatch, $"moved {moved.SceneMatch}");
    }

    [Fact]
    public void Reference_saved_at_commissioning_is_read_back_after_restart()
    {
        using var temp = new TempDirectory();
        var scene = TestImages.Scene();
        new SceneReferenceStore(temp.Path).Save("cam-1", scene);

        var loaded = new SceneReferenceStore(temp.Path).Load("cam-1");

        Assert.NotNull(loaded);
        Assert.Equal(scene.Pixels, loaded.Pixels);
        Assert.Null(new SceneReferenceStore(temp.Path).Load("cam-2"));
        Assert.Throws<ArgumentException>(() => new SceneReferenceStore(temp.Path).PathFor("../etc"));
    }

    [Fact]
    public void Person_check_finds_a_standing_figure_and_nothing_in_the_empty_scene()
    {
        var empty = FrameQualityAnalyzer.Analyze(TestImages.Scene(), 0, TimeSpan.Zero, Defaults, checkPeople: true);
        var withPerson = FrameQualityAnalyzer.Analyze(TestImages.WithPerson(TestImages.Scene()), 0, TimeSpan.Zero, Defaults, checkPeople: true);
        var notChecked = FrameQualityAnalyzer.Analyze(TestImages.WithPerson(TestImages.Scene()), 0, TimeSpan.Zero, Defaults);

        Assert.Equal(0, empty.People);
        Assert.DoesNotContain(FrameQuality.PersonInView, empty.Flags);
        Assert.Equal(1, withPerson.People);
        Assert.Contains(FrameQuality.PersonInView, withPerson.Flags);
        Assert.True(withPerson.Good, "a person in view is reported, the photo still counts");
        Assert.Null(notChecked.People);
        var box = Assert.Single(PersonDetector.Find(TestImages.WithPerson(TestImages.Scene())));
        Assert.True(box.Contains(new OpenCvSharp.Point(300, 180)), $"box {box} should surround the figure");
    }

    public static TheoryData<string> Pictures => ["scene", "blurred", "dark", "bright", "covered", "blank", "moved", "frozen"];

    [Theory]
    [MemberData(nameof(Pictures))]
    public void A_health_samples_grey_picture_is_judged_exactly_as_its_colour_picture(string kind)
    {
        var picture = Upscaled(kind switch
        {
            "blurred" => TestImages.Blurred(TestImages.Scene()),
            "dark" => TestImages.Darkened(TestImages.Scene()),
            "bright" => TestImages.Overexposed(TestImages.Scene()),
            "covered" => TestImages.Covered(),
            "blank" => TestImages.SignalLost(),
            "moved" => TestImages.Moved(TestImages.Scene()),
            _ => TestImages.Scene(),
        });
        var (frames, unchangedFor) = kind == "frozen" ? (40, TimeSpan.FromSeconds(4)) : (0, TimeSpan.Zero);
        var reference = TestImages.Scene();

        var grey = GreyPicture.Of(picture);
        var fromGrey = FrameQualityAnalyzer.Analyze(grey, frames, unchangedFor, Defaults, reference);
        var fromColour = FrameQualityAnalyzer.Analyze(picture, frames, unchangedFor, Defaults, reference);

        Assert.Equal((640, 360, 640 * 360), (grey.Width, grey.Height, grey.Pixels.Length)); // a 1080p picture is judged at the analysis size
        Assert.Equal(fromColour with { Flags = [] }, fromGrey with { Flags = [] });
        Assert.Equal(fromColour.Flags, fromGrey.Flags);
        Assert.Equal(kind == "scene", fromGrey.Flags.Count == 0);
    }

    [Fact]
    public void A_grey_picture_wider_than_the_analysis_size_is_refused_rather_than_judged_on_other_thresholds() =>
        Assert.Throws<ArgumentException>(() => FrameQualityAnalyzer.Analyze(new GreyPicture(new byte[1280 * 720], 1280, 720), 0, TimeSpan.Zero, Defaults));

    /// <summary>The 640 x 360 test picture at 1920 x 1080, as a site camera sends it.</summary>
    private static RawFrame Upscaled(RawFrame picture)
    {
        using var small = OpenCvSharp.Mat.FromPixelData(picture.Height, picture.Width, OpenCvSharp.MatType.CV_8UC3, picture.Pixels);
        using var large = new OpenCvSharp.Mat();
        OpenCvSharp.Cv2.Resize(small, large, new OpenCvSharp.Size(1920, 1080), interpolation: OpenCvSharp.InterpolationFlags.Linear);
        var pixels = new byte[1920 * 1080 * 3];
        System.Runtime.InteropServices.Marshal.Copy(large.Data, pixels, 0, pixels.Length);
        return new RawFrame(pixels, 1920, 1080);
    }
}
