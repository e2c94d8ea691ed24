using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeAgent.Capture.Clips;
using EdgeAgent.Evidence;
using EdgeAgent.Central.Reporting;
using MQTTnet.Packets;

namespace EdgeAgent.Tests.EndToEnd;

/// <summary>
/// A step that asks for a clip: a real agent records it (signed, chained after the step's photo), sends it in chunks
/// through a real mosquitto whose packet cap is far below the clip, a real collector stores it once, ffprobe plays the
/// stored file, <c>verify</c> passes and then catches a changed byte and a missing file, and the report plays it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ClipEvidenceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120); // a loaded 2-core machine is the normal case
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task A_clip_step_is_delivered_in_chunks_stored_once_verified_and_played_in_the_report()
    {
        var mp4 = await TestMp4.TenSecondsAsync();
        Assert.True(mp4.Length > 1024 * 1024, $"the test clip is {mp4.Length} bytes; it must need many chunks");
        await using var broker = await MosquittoProcess.StartAsync("max_packet_size 65536");
        await using var collector = new CollectorHarness(temp.Combine("collector"), new() { Url = broker.Url });
        await collector.StartAsync();

        await using var observer = await Uplink.MqttObserver.StartAsync(broker.Url, "edgeagent/v1/test-device/image");
        var clips = new FixedClipSource(mp4);
        var procedures = WriteClipTemplate(temp.Combine("procedures"), preSeconds: 5, postSeconds: 5);
        var config = AgentConfig.Baseline(temp.Combine("agent"), broker.Url);
        config["ProceduresDirectory"] = procedures;
        using var cts = new CancellationTokenSource(Patience);
        await using var app = AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(temp.Path, config)), services => services.AddSingleton<IClipSource>(clips));
        await app.StartAsync(cts.Token);
        await app.Services.GetRequiredService<global::EdgeAgent.Capture.CameraRegistry>().Get("cam-1").NextFrameAsync(cts.Token);

        var edge = DateTimeOffset.UtcNow;
        var outcome = await app.Services.GetRequiredService<TriggerBus>().PublishAndWaitAsync(new TriggerEvent("conveyor-1", TriggerKind.Manual, "test", "test", edge, TimeProvider.System.GetTimestamp()) { StepId = "isolated" }, cts.Token);
        Assert.Single(outcome.RecordIds); // the photo, recorded without waiting for the clip
        await app.Services.GetRequiredService<EvidenceRecorder>().ClipsSettled().WaitAsync(cts.Token);
        await collector.WaitForStoredAsync(2, Patience);

        // The clip source was asked for exactly [edge − 5 s, edge + 5 s] of the step's camera.
        var cut = Assert.Single(clips.Cuts);
        Assert.Equal(("cam-1", edge.AddSeconds(-5), edge.AddSeconds(5)), cut);

        // Stored once: a photo record, then the clip record chained to it, signed by the device.
        var photo = collector.Stored.Single(r => r.Clip is null);
        var clip = collector.Stored.Single(r => r.Clip is not null);
        Assert.Equal(photo.Sequence + 1, clip.Sequence);
        Assert.Equal(("video/mp4", (long)mp4.Length, Convert.ToHexStringLower(SHA256.HashData(mp4))), (clip.Image.ContentType, clip.Image.Bytes, clip.Image.Sha256));
        Assert.Equal(("h264", 150, edge.AddSeconds(-5.4), edge.AddSeconds(5)), (clip.Clip!.Codec, clip.Clip.Frames, clip.Clip.FirstProducedAt, clip.Clip.LastProducedAt));
        Assert.Equal((edge.AddSeconds(-5), edge.AddSeconds(5)), (clip.Clip.From, clip.Clip.To));
        Assert.Equal("isolated", clip.Step.Id);
        Assert.Null(clip.Frame.Role); // not a photo

        var root = collector.Service.Store.Location;
        var clipJson = Directory.EnumerateFiles(root, "*" + EvidenceLayout.ClipRecordExtension, SearchOption.AllDirectories).Single();
        var photoJson = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Single(p => p != clipJson && !p.Contains("/.", StringComparison.Ordinal));
        Assert.Equal(EvidenceSignature.RecordHash(File.ReadAllBytes(photoJson)), clip.PrevHash);
        var stored = EvidenceLayout.ImageKeyOf(clipJson);
        Assert.EndsWith(".mp4", stored, StringComparison.Ordinal);
        Assert.Equal(mp4, File.ReadAllBytes(stored));
        Assert.Single(Directory.EnumerateFiles(root, "*.mp4", SearchOption.AllDirectories), p => !Path.GetRelativePath(root, p).StartsWith('.'));

        // ffprobe, independently: the stored file is the same playable H.264, every frame decodes.
        var probe = await TestMp4.ProbeAsync(stored);
        Assert.Equal(("h264", 640, 360, 150, ""), probe);

        // The chunks went through the broker's 64 KiB packet cap: the agent shrank them to fit (cap − 1 KiB), sent as video/mp4.
        var chunkBytes = 65536 - 1024;
        var expectedChunks = (mp4.Length + chunkBytes - 1) / chunkBytes;
        Assert.True(expectedChunks >= 20, $"the clip is only {expectedChunks} chunks");
        await observer.WaitForAsync(expectedChunks + 1, Patience);
        var clipChunks = observer.Messages.Where(m => m.UserProperties.Any(p => p.Name == global::EdgeAgent.Protocol.Topics.Properties.RecordId && p.ReadValueAsString() == clip.RecordId.ToString())).ToList();
        Assert.All(clipChunks, m => Assert.Equal(("video/mp4", expectedChunks.ToString(System.Globalization.CultureInfo.InvariantCulture)), (m.ContentType, m.UserProperties.Single(p => p.Name == global::EdgeAgent.Protocol.Topics.Properties.ChunkCount).ReadValueAsString())));
        Assert.All(clipChunks, m => Assert.True(m.Payload.Length <= chunkBytes));
        Assert.Equal(expectedChunks, clipChunks.Select(m => m.UserProperties.Single(p => p.Name == global::EdgeAgent.Protocol.Topics.Properties.ChunkIndex).ReadValueAsString()).Distinct().Count());

        // verify: passes with the device's key and the template; then catches a changed byte and a missing file.
        var keysDirectory = temp.Combine("keys");
        Directory.CreateDirectory(keysDirectory);
        File.WriteAllText(Path.Combine(keysDirectory, "test-device.pem"), app.Services.GetRequiredService<DeviceKey>().PublicKeyPem);
        await app.StopAsync(CancellationToken.None);
        using var keys = EnrolledKeys.Load(keysDirectory);
        var templates = ProcedureTemplate.LoadDirectory(procedures);
        var verified = EvidenceVerifier.Verify(root, keys, templates);
        Assert.True(verified.Failures.Count == 0, string.Join("\n", verified.Problems));
        Assert.DoesNotContain(verified.Warnings, w => w.Contains("clip", StringComparison.Ordinal));

        // The report plays it: a <video> whose file is inside the report folder, byte for byte the signed MP4.
        var output = temp.Combine("report");
        var report = new ReportGenerator(TimeProvider.System).Generate(root, output, templates, keys);
        Assert.Empty(report.Failures);
        var page = File.ReadAllText(Path.Combine(output, report.Jobs.Single().Page));
        var video = VideoSource().Match(page);
        Assert.True(video.Success, "the job page has no <video>");
        var copy = Path.Combine(output, System.Net.WebUtility.HtmlDecode(video.Groups["src"].Value));
        Assert.Equal(clip.Image.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(copy))));
        Assert.Contains("-5400 to +5000 ms", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains($"<div class=\"clip-print\">", page, StringComparison.Ordinal); // what a printed page (PDF) shows instead, naming the file
        Assert.Contains(Path.GetFileName(copy), page[page.IndexOf("clip-print", StringComparison.Ordinal)..], StringComparison.Ordinal);

        // A real browser plays it from the report folder: chromium reads the MP4's metadata (10 s, 640 wide).
        var dom = await HeadlessChromium.DumpDomAsync(new Uri(Path.Combine(output, report.Jobs.Single().Page)).AbsoluteUri); // chromium is in scripts/deps.sh
        Assert.Matches("<video class=\"clip\"[^>]*data-video-state=\"loaded\"", dom);
        Assert.Matches("data-duration=\"10\"[^>]*data-video-width=\"640\"", dom);

        var original = File.ReadAllBytes(stored);
        var tampered = (byte[])original.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        File.WriteAllBytes(stored, tampered);
        var changed = EvidenceVerifier.Verify(root, keys, templates);
        var failure = Assert.Single(changed.Failures);
        Assert.Equal((VerificationFailure.Checks.Image, clip.Sequence), (failure.Check, failure.Sequence));

        File.Delete(stored);
        var missing = EvidenceVerifier.Verify(root, keys, templates);
        failure = Assert.Single(missing.Failures);
        Assert.Equal((VerificationFailure.Checks.Image, clip.Sequence), (failure.Check, failure.Sequence));
        Assert.Contains("clip video (.mp4) is missing", failure.Detail, StringComparison.Ordinal);
        Assert.Contains(new ReportGenerator(TimeProvider.System).Generate(root, temp.Combine("report-2"), templates, keys).Failures, f => f.EndsWith(".mp4: video file is missing", StringComparison.Ordinal));
    }

    /// <summary>The packaged conveyor template, its first step asking for a clip.</summary>
    public static string WriteClipTemplate(string directory, double preSeconds, double postSeconds)
    {
        Directory.CreateDirectory(directory);
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        template["steps"]![0]!["capture"]!["clip"] = new JsonObject { ["preSeconds"] = preSeconds, ["postSeconds"] = postSeconds };
        File.WriteAllText(Path.Combine(directory, "conveyor-lockout.json"), template.ToJsonString());
        return directory;
    }

    public void Dispose() => temp.Dispose();

    [GeneratedRegex("<video class=\"clip\"[^>]* src=\"(?<src>[^\"]+)\"")]
    private static partial Regex VideoSource();
}
