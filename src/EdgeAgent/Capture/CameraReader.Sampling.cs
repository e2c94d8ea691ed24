using EdgeAgent.Capture.Quality;

namespace EdgeAgent.Capture;

/// <summary>
/// Health without decoding everything: a compressed camera decodes one keyframe every
/// <see cref="CameraReaderSettings.SampleInterval"/> (the first at once) straight to small grey (<see cref="HealthSample"/>),
/// which the quality checks judge. A sample whose pixels are the same as the one before continues its unchanged run, so
/// frozen is still judged by time. Freshness and dead streams come from the units' arrival, never from a sample.
/// </summary>
public sealed partial class CameraReader
{
    private long lastSampleTimestamp;

    /// <summary>A compressed camera's newest health sample, or null before the first (always null for a raw camera).</summary>
    public HealthSample? HealthSample => Volatile.Read(ref sample);

    private void MaybeSample(Frame keyframe)
    {
        if (Volatile.Read(ref sample) is not null && timeProvider.GetElapsedTime(lastSampleTimestamp, keyframe.Timestamp) < settings.SampleInterval)
        {
            return;
        }

        if (Interlocked.Exchange(ref sampling, 1) == 1)
        {
            return; // the last one is still decoding
        }

        lastSampleTimestamp = keyframe.Timestamp;
        _ = Task.Run(() => SampleAsync(keyframe, stopping.Token));
    }

    private async Task SampleAsync(Frame keyframe, CancellationToken cancellationToken)
    {
        try
        {
            var grey = await decoder!.DecodeGreyAsync(keyframe.Image.Encoded!, FrameQualityAnalyzer.AnalysisWidth, cancellationToken);
            var fingerprint = FrameFingerprint.Of(grey.Pixels);
            var previous = Volatile.Read(ref sample);
            var same = previous is not null && fingerprint == sampleFingerprint;
            sampleFingerprint = fingerprint;
            var since = same ? sampleUnchangedSince : keyframe.UnchangedSince;
            sampleUnchangedSince = since;
            var unchangedFor = timeProvider.GetElapsedTime(since, keyframe.Timestamp);
            var judged = keyframe with
            {
                UnchangedSince = since,
                UnchangedFor = unchangedFor > keyframe.UnchangedFor ? unchangedFor : keyframe.UnchangedFor,
                UnchangedFrames = same ? previous!.Keyframe.UnchangedFrames + 1 : keyframe.UnchangedFrames,
            };
            Volatile.Write(ref sample, new HealthSample(judged, grey));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (FrameSourceException ex)
        {
            Log.SampleFailed(logger, CameraId, ex.Message);
        }
        finally
        {
            Volatile.Write(ref sampling, 0);
        }
    }
}
