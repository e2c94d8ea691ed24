using System.Collections.Concurrent;
using EdgeAgent.Capture.Overlay;
using EdgeAgent.Capture.Quality;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Capture;

/// <summary>Owns one <see cref="CameraReader"/> per configured camera; starts them with the host.</summary>
public sealed class CameraRegistry : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, CameraReader> readers;
    private readonly ConcurrentDictionary<string, FrameQuality> lastQuality = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (HealthSample Sample, RawFrame? Reference, FrameQuality Quality)> sampleQuality = new(StringComparer.Ordinal);
    private readonly TimeProvider timeProvider;

    public CameraRegistry(IOptions<EdgeAgentOptions> options, IFrameSourceFactory sources, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        this.timeProvider = timeProvider;
        readers = options.Value.Cameras.ToDictionary(
            c => c.Id,
            c => new CameraReader(c.Id, sources.Create(c), timeProvider, loggerFactory.CreateLogger<CameraReader>(), CameraReaderSettings.From(c)),
            StringComparer.Ordinal);
        Settings = options.Value.Cameras.ToDictionary(c => c.Id, StringComparer.Ordinal);
        References = new SceneReferenceStore(options.Value.StateDirectory);
        Overlays = new OverlayStore(options.Value.StateDirectory, loggerFactory.CreateLogger<OverlayStore>());
    }

    /// <summary>Overlay copies (stamp burned in) of recorded photos.</summary>
    public OverlayStore Overlays { get; }

    /// <summary>After a record is stored: keeps its overlay copy, derived from the stored original. Returns the path, or null.</summary>
    public string? KeepOverlay(Guid recordId, OverlayFields fields, byte[] originalJpeg) =>
        Overlays.Keep(recordId, fields, originalJpeg, Settings[fields.Camera].Overlay, Settings[fields.Camera].JpegQuality);

    public IReadOnlyDictionary<string, CameraOptions> Settings { get; }

    public IReadOnlyCollection<CameraReader> All => readers.Values;

    /// <summary>Reference views taken at commissioning, for the scene-match signal.</summary>
    public SceneReferenceStore References { get; }

    public CameraReader Get(string cameraId) => readers[cameraId];

    /// <summary>Quality of the camera's last captured frame, for health; null before the first capture.</summary>
    public FrameQuality? LastQuality(string cameraId) => lastQuality.GetValueOrDefault(cameraId);

    /// <summary>
    /// Takes what <paramref name="request"/> (a procedure step's capture settings, the camera's options as
    /// defaults) asks of one camera for a trigger at <paramref name="moment"/>: pre-trigger frames from the ring,
    /// then the <c>at</c> and <c>post</c> photos by production time; assesses each. At the camera's
    /// <c>PersonCheckSteps</c> the assessment includes the person check.
    /// </summary>
    public async Task<CameraCapture> CaptureAsync(string cameraId, CaptureMoment moment, FrameRequest request, string? stepId = null, CancellationToken cancellationToken = default)
    {
        var camera = Settings[cameraId];
        var plan = request.PlanFor(camera);
        var result = await plan.ExecuteAsync(Get(cameraId), moment, timeProvider, cancellationToken);
        var checkPeople = stepId is not null && camera.PersonCheckSteps.Contains(stepId, StringComparer.Ordinal);
        return new CameraCapture([.. result.Shots.Select(s => new CapturedFrame(s.Frame, Assess(cameraId, s.Frame, checkPeople), s.Role))], result);
    }

    /// <summary>
    /// Waits (up to the camera's <c>LatePhotoWindowSeconds</c>) for the first frame surely produced at or after
    /// <paramref name="due"/> that the job has not used yet: the late photo of a step whose camera was down. Null if none came.
    /// </summary>
    public async Task<CapturedFrame?> CaptureLateAsync(string cameraId, DateTimeOffset due, FrameLedger ledger, string? stepId = null, CancellationToken cancellationToken = default)
    {
        var camera = Settings[cameraId];
        var reader = Get(cameraId);
        var deadline = timeProvider.GetTimestamp() + (long)(camera.LatePhotoWindowSeconds * (double)timeProvider.TimestampFrequency);
        var frame = await reader.FirstAsync(f => camera.ProducedUncertainty.Earliest(f) >= due && ledger.TryClaim(cameraId, f.Sequence), deadline, cancellationToken);
        var checkPeople = stepId is not null && camera.PersonCheckSteps.Contains(stepId, StringComparer.Ordinal);
        return frame is null ? null : new CapturedFrame(frame, Assess(cameraId, frame, checkPeople), FrameRole.At);
    }

    /// <summary>True when the camera keeps a pre-trigger ring (<c>PreTriggerMegabytes</c> above 0), so frames from before a trigger exist.</summary>
    public bool HasPreTriggerRing(string cameraId) => Get(cameraId).Ring.MaxBytes > 0;

    /// <summary>
    /// Starts the capture plans of all cameras of a point at once, so they photograph the same moments; a
    /// sequential loop would take the second camera's photos only after the first camera's were done.
    /// </summary>
    public IReadOnlyDictionary<string, Task<CameraCapture>> StartCaptures(IEnumerable<string> cameraIds, CaptureMoment moment, FrameRequest request, string? stepId = null, CancellationToken cancellationToken = default) =>
        cameraIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => CaptureAsync(id, moment, request, stepId, cancellationToken), StringComparer.Ordinal);

    /// <summary>Quality signals of one frame against the camera's thresholds and commissioning reference.</summary>
    public FrameQuality Assess(string cameraId, Frame frame, bool checkPeople = false)
    {
        var quality = FrameQualityAnalyzer.Analyze(frame, Settings[cameraId].Quality, References.Load(cameraId), checkPeople);
        lastQuality[cameraId] = quality;
        return quality;
    }

    /// <summary>Quality signals of any frame of the camera (e.g. an aiming snapshot), without touching <see cref="LastQuality"/>.</summary>
    public FrameQuality Measure(string cameraId, Frame frame) =>
        FrameQualityAnalyzer.Analyze(frame, Settings[cameraId].Quality, References.Load(cameraId));

    /// <summary>
    /// Health of one camera on demand: its status and the quality of its newest frame, measured now (a few milliseconds;
    /// health asks every few seconds at most, so nothing is measured per frame). A compressed camera's newest health
    /// sample is measured once, on its small grey picture, and that result is kept until the next sample (or a new reference).
    /// </summary>
    public CameraHealth Inspect(string cameraId)
    {
        var reader = Get(cameraId);
        if (reader.Compressed)
        {
            var sample = reader.HealthSample;
            double? sampleAge = sample is null ? null : Math.Round(timeProvider.GetElapsedTime(sample.Keyframe.Timestamp).TotalMilliseconds, 1);
            return new CameraHealth(cameraId, reader.Source, reader.Status, sample is null ? null : Judge(cameraId, sample), sampleAge);
        }

        var frame = reader.Snapshot();
        var quality = frame is null ? null : Measure(cameraId, frame);
        double? age = frame is null ? null : Math.Round(timeProvider.GetElapsedTime(frame.Timestamp).TotalMilliseconds, 1);
        return new CameraHealth(cameraId, reader.Source, reader.Status, quality, age);
    }

    /// <summary>The quality of a health sample, measured the first time it is asked for.</summary>
    private FrameQuality Judge(string cameraId, HealthSample sample)
    {
        var reference = References.Load(cameraId);
        if (sampleQuality.TryGetValue(cameraId, out var known) && ReferenceEquals(known.Sample, sample) && ReferenceEquals(known.Reference, reference))
        {
            return known.Quality;
        }

        var quality = FrameQualityAnalyzer.Analyze(sample.Grey, sample.Keyframe.UnchangedFrames, sample.Keyframe.UnchangedFor, Settings[cameraId].Quality, reference);
        sampleQuality[cameraId] = (sample, reference, quality);
        return quality;
    }

    /// <summary>Commissioning: stores the camera's newest frame as the reference view. Refuses a frozen, blank or covered frame.</summary>
    public FrameQuality CommissionReference(string cameraId)
    {
        var frame = Get(cameraId).Snapshot() ?? throw new CameraUnavailableException(cameraId, Get(cameraId).LastError ?? "no frame received yet");
        var quality = FrameQualityAnalyzer.Analyze(frame, Settings[cameraId].Quality);
        if (!quality.Good)
        {
            throw new InvalidOperationException($"camera '{cameraId}' shows a {string.Join(", ", quality.Flags)} picture; fix the view before commissioning it as the reference");
        }

        References.Save(cameraId, frame.Image);
        return quality;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var reader in readers.Values)
        {
            reader.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in readers.Values)
        {
            await reader.DisposeAsync();
        }
    }
}
