using System.Text.Json.Nodes;
using EdgeAgent.Evidence;
using EdgeAgent.Tests.Capture;

namespace EdgeAgent.Tests.Evidence;

/// <summary>The step's capture settings (pre/post frames, interval) drive what the real recorder takes, on fake time.</summary>
public sealed class StepCaptureSettingsTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TempDirectory dir = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ScriptedFrameSource source = new() { CameraClock = true };
    private ServiceProvider? services;

    [Fact]
    public async Task Step_with_two_pre_and_three_post_frames_records_two_frames_before_the_lock_and_three_after()
    {
        await StartAsync(ringMegabytes: 1);

        await HandleAsync(Trigger(TriggerKind.Manual, "button", "isolated"));
        await RunCameraAsync(6); // 1.5 s between the isolation and the lock: new frames for the lock's pre-trigger photos
        var locked = await HandleAsync(Trigger(TriggerKind.LockOn, "lock-a"));

        var items = (await services!.GetRequiredService<EvidenceOutbox>().PeekAsync(100)).Select(i => (Record: EvidenceRecord.FromJson(i.Record), i.Image)).Where(r => r.Record.Step.Id == "locked").ToList();
        var records = items.Select(i => i.Record).ToList();
        var all = await StoredAsync();
        var held = services!.GetRequiredService<CameraRegistry>().Get("cam-1").Held(_ => true, ringOnly: true);
        Assert.True(records.Count == 5, $"{records.Count} records: {string.Join(", ", records.Select(r => r.Frame.Role))}; findings: {string.Join(" | ", locked.Findings)}; all: {string.Join(", ", all.Select(r => $"{r.Record.Step.Id}/{r.Record.Frame.Role}@{r.Record.Frame.ProducedAt:ss.fff}#{r.Record.Frame.Sequence} edge {r.Record.Trigger.EdgeTime:ss.fff}"))}; held: {string.Join(", ", held.Select(f => $"#{f.Sequence}@{f.ProducedAt:ss.fff}"))}; now {time.GetUtcNow():ss.fff}");
        Assert.Equal(5, locked.RecordIds.Count);
        Assert.True(locked.Ok);
        // Ground truth: the production time each stored JPEG carries in its clock stripe, against the lock's edge.
        var edge = records[0].Trigger.EdgeTime.ToUnixTimeMilliseconds();
        var offsets = items.Select(i => JpegEncoder.Decode(i.Image)).Select(image => (double)(FrameClockStripe.Read(image.Pixels, image.Width) - edge)).ToList();
        Assert.All(offsets.Take(2), ms => Assert.InRange(ms, -2000, -1)); // from the ring, within the 2 s before the lock
        Assert.All(offsets.Skip(2), ms => Assert.True(ms >= 0, $"offsets {string.Join(", ", offsets)}"));
        Assert.All(offsets.Skip(2).Zip(offsets.Skip(3)), pair => Assert.True(pair.Second - pair.First >= 500, $"offsets {string.Join(", ", offsets)}")); // the step's 500 ms interval
        Assert.Equal([FrameRole.Pre, FrameRole.Pre, FrameRole.At, FrameRole.Post, FrameRole.Post], records.Select(r => r.Frame.Role!.Value));
        Assert.Equal(offsets, records.Select(r => r.Frame.OffsetMs!.Value)); // the record states what the pixels show
        Assert.All(records, r => Assert.Equal(ProducedBasis.CameraClock, r.Frame.ProducedBasis));
        Assert.Equal(records.Select(r => r.Frame.Sequence).Order(), records.Select(r => r.Frame.Sequence));
        Assert.DoesNotContain(locked.Findings, f => f.StartsWith(FindingCodes.PreTriggerUnavailable, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Step_asking_for_pre_trigger_frames_from_a_camera_without_a_ring_is_a_finding()
    {
        await StartAsync(ringMegabytes: 0);

        await HandleAsync(Trigger(TriggerKind.Manual, "button", "isolated"));
        var locked = await HandleAsync(Trigger(TriggerKind.LockOn, "lock-a"));

        Assert.Contains(locked.Findings, f => f.StartsWith("pre-trigger-unavailable: step 'locked' asks for 2 frames from before the trigger but camera cam-1 keeps no pre-trigger ring", StringComparison.Ordinal));
        Assert.Equal(3, locked.RecordIds.Count); // the post-trigger frames are still taken
    }

    [Fact]
    public async Task Step_with_a_settle_time_takes_its_at_photo_from_the_first_frame_produced_after_it()
    {
        await StartAsync(ringMegabytes: 1, capture: new JsonObject { ["photos"] = 1, ["preFrames"] = 0, ["settleMs"] = 1000 });

        await HandleAsync(Trigger(TriggerKind.Manual, "button", "isolated"));
        var locked = await HandleAsync(Trigger(TriggerKind.LockOn, "lock-a"));

        var (record, image) = Assert.Single(await StoredAsync(), r => r.Record.Step.Id == "locked");
        var offset = Produced(image) - record.Trigger.EdgeTime.ToUnixTimeMilliseconds();
        Assert.InRange(offset, 1000, 1250); // the first frame at or after edge + 1 s (frames every 250 ms)
        Assert.Equal(FrameRole.At, record.Frame.Role);
        Assert.Equal(offset, record.Frame.OffsetMs);
        Assert.True(locked.Ok);
    }

    [Fact]
    public async Task No_two_records_of_a_job_share_an_image_and_a_step_without_new_frames_says_so()
    {
        await StartAsync(ringMegabytes: 1);

        // The lock closes 100 ms after the isolation was confirmed: no frame was produced in between.
        var isolated = Trigger(TriggerKind.Manual, "button", "isolated");
        time.Advance(TimeSpan.FromMilliseconds(100));
        var lockOn = Trigger(TriggerKind.LockOn, "lock-a");
        await HandleAsync(isolated);
        var locked = await HandleAsync(lockOn);
        await HandleAsync(Trigger(TriggerKind.Manual, "button", "zero-energy-verified"));
        await HandleAsync(Trigger(TriggerKind.Manual, "button", "area-cleared"));
        await HandleAsync(Trigger(TriggerKind.LockOff, "lock-a"));
        await HandleAsync(Trigger(TriggerKind.Manual, "button", "restored"));

        var stored = await StoredAsync();
        Assert.Equal("completed", stored[^1].Record.WorkOrder.Status);
        var hashes = stored.Select(s => Convert.ToHexStringLower(SHA256.HashData(s.Image))).ToList(); // of the stored bytes, not the record's claim
        Assert.Equal(hashes.Count, hashes.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(hashes, stored.Select(s => s.Record.Image.Sha256));
        Assert.DoesNotContain(stored, s => s.Record.Step.Id == "locked" && s.Record.Frame.Role == FrameRole.Pre); // nothing new before the lock
        Assert.Contains(locked.Findings, f => f.StartsWith("pre-trigger-unavailable: step 'locked' asks for 2 frames from before the trigger but camera cam-1 produced only 0 new frame(s) since the previous trigger at ", StringComparison.Ordinal)
            && f.EndsWith("an older photo is not repeated", StringComparison.Ordinal));
        foreach (var (record, image) in stored)
        {
            var offset = Produced(image) - record.Trigger.EdgeTime.ToUnixTimeMilliseconds();
            Assert.True(record.Frame.Role == FrameRole.Pre ? offset < 0 : offset >= 0, $"record #{record.Sequence} {record.Frame.Role} produced {offset} ms from its trigger");
        }
    }

    [Fact]
    public void Shipped_conveyor_template_takes_two_pre_trigger_frames_at_the_lock()
    {
        var template = ProcedureTemplate.Load(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json"));
        var locked = template.Steps.Single(s => s.Id == "locked");
        Assert.Equal(2, locked.Capture.PreFrames);
    }

    private async Task<List<(EvidenceRecord Record, byte[] Image)>> StoredAsync() =>
        [.. (await services!.GetRequiredService<EvidenceOutbox>().PeekAsync(100)).Select(i => (EvidenceRecord.FromJson(i.Record), i.Image))];

    /// <summary>The production time the frame carries in its pixels (Unix ms), decoded from the stored JPEG.</summary>
    private static long Produced(byte[] jpeg)
    {
        var image = JpegEncoder.Decode(jpeg);
        return FrameClockStripe.Read(image.Pixels, image.Width);
    }

    private async Task StartAsync(int ringMegabytes, JsonObject? capture = null)
    {
        var procedures = dir.Combine("procedures");
        Directory.CreateDirectory(procedures);
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        template["steps"]![1]!["capture"] = capture ?? new JsonObject { ["photos"] = 1, ["preFrames"] = 2, ["postFrames"] = 3, ["intervalMs"] = 500 };
        File.WriteAllText(Path.Combine(procedures, "conveyor-lockout.json"), template.ToJsonString());
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        config["ProceduresDirectory"] = procedures;
        config["Cameras"]![0]!["PreTriggerMegabytes"] = ringMegabytes;
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddSingleton<IFrameSourceFactory>(new OneSource(source));
        collection.AddSingleton<IClockSyncProbe>(new FixedClockSyncProbe(true));
        services = collection.AddEdgeAgent(ConfigLoader.Build(AgentConfig.Write(dir.Path, config))).BuildServiceProvider();
        var cameras = services.GetRequiredService<CameraRegistry>();
        await cameras.StartAsync(default);
        await source.WaitOpenedAsync(1);
        for (var i = 0; i < 12; i++)
        {
            await PushAsync(); // 3 s of frames at 4 fps fill the ring
            time.Advance(TimeSpan.FromMilliseconds(250));
        }
    }

    private TriggerEvent Trigger(TriggerKind kind, string input, string? step = null) =>
        new("conveyor-1", kind, "test", input, time.GetUtcNow(), time.GetTimestamp()) { StepId = step, Operator = "BADGE-0042" };

    /// <summary>
    /// Handles a trigger while the camera keeps producing a frame every 250 ms of fake time. The clock moves only while
    /// the capture stage is capturing this trigger: the stages hand on through channels, so a clock moved before the
    /// capture began (or after it handed on) would run ahead of the pipeline and age the frames it should take.
    /// </summary>
    private async Task<TriggerOutcome> HandleAsync(TriggerEvent trigger)
    {
        var stage = services!.GetRequiredService<CaptureStage>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStarted(DecidedTrigger decided)
        {
            if (ReferenceEquals(decided.Trigger, trigger))
            {
                started.TrySetResult();
            }
        }

        void OnHandedOn(DecidedTrigger decided)
        {
            if (ReferenceEquals(decided.Trigger, trigger))
            {
                handedOn.TrySetResult();
            }
        }

        stage.Started += OnStarted;
        stage.HandedOn += OnHandedOn;
        try
        {
            var handling = services!.HandleTriggerAsync(trigger, CancellationToken.None);
            await Task.WhenAny(started.Task, handling).WaitAsync(Wait);
            for (var round = 0; round < 40 && !handling.IsCompleted && !handedOn.Task.IsCompleted; round++)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                await PushAsync();
            }

            return await handling.WaitAsync(Wait);
        }
        finally
        {
            stage.Started -= OnStarted;
            stage.HandedOn -= OnHandedOn;
        }
    }

    private async Task RunCameraAsync(int frames)
    {
        for (var i = 0; i < frames; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await PushAsync();
        }
    }

    private async Task PushAsync()
    {
        var next = services!.GetRequiredService<CameraRegistry>().Get("cam-1").NextFrameAsync();
        source.Push(time.GetUtcNow());
        await next.WaitAsync(Wait);
    }

    public async ValueTask DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        dir.Dispose();
    }

    private sealed class OneSource(ScriptedFrameSource source) : IFrameSourceFactory
    {
        public IFrameSource Create(CameraOptions camera) => source;
    }
}
