namespace EdgeAgent.Capture;

/// <summary>
/// Health without decoding everything: a compressed camera decodes one keyframe every
/// <see cref="CameraReaderSettings.SampleInterval"/> (the first at once), which <see cref="CameraReader.Snapshot"/> hands to
/// the quality checks. A sample whose pixels are the same as the one before continues its unchanged run, so frozen is
/// still judged by time. Freshness and dead streams come from the units' arrival, never from a sample.
/// </summary>
public sealed partial class CameraReader
{
    private long lastSampleTimestamp;

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
            var picture = await decoder!.DecodeLastAsync([keyframe.Image.Encoded!], cancellationToken);
            var fingerprint = FrameFingerprint.Of(picture);
            var previous = Volatile.Read(ref sample);
            var same = previous is not null && fingerprint == sampleFingerprint;
            sampleFingerprint = fingerprint;
            var since = same ? sampleUnchangedSince : keyframe.UnchangedSince;
            sampleUnchangedSince = since;
            var unchangedFor = timeProvider.GetElapsedTime(since, keyframe.Timestamp);
            Volatile.Write(ref sample, keyframe with
            {
                Image = picture with { CameraTime = keyframe.Image.CameraTime },
                UnchangedSince = since,
                UnchangedFor = unchangedFor > keyframe.UnchangedFor ? unchangedFor : keyframe.UnchangedFor,
                UnchangedFrames = same ? previous!.UnchangedFrames + 1 : keyframe.UnchangedFrames,
            });
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
