using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture;

/// <summary>
/// Reads a camera continuously and always holds its newest frame, so a trigger never gets a stale
/// buffered frame (the OpenCV pitfall of reading only on demand). Reconnects with backoff.
/// </summary>
public sealed partial class CameraReader(string cameraId, IFrameSource source, TimeProvider timeProvider, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource stopping = new();
    private TaskCompletionSource<Frame> nextFrame = NewSignal();
    private Frame? latest;
    private long sequence;
    private Task? loop;
    private int disposed;

    public string CameraId { get; } = cameraId;

    public CameraState State { get; private set; } = CameraState.Starting;

    public string? LastError { get; private set; }

    public Frame? Latest => Volatile.Read(ref latest);

    public void Start() => loop ??= Task.Run(() => RunAsync(stopping.Token));

    /// <summary>
    /// The frame for a trigger at <paramref name="triggerTimestamp"/>: the newest frame if it arrived at or
    /// after the trigger, otherwise the next frame to arrive (up to <paramref name="maxWait"/>), otherwise
    /// the newest frame there is. Never a frame older than the newest held.
    /// </summary>
    public async Task<Frame> CaptureAsync(long triggerTimestamp, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var signal = Volatile.Read(ref nextFrame);
        var current = Latest;
        if (current is not null && current.Timestamp >= triggerTimestamp)
        {
            return current;
        }

        try
        {
            return await signal.Task.WaitAsync(maxWait, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Latest ?? throw new CameraUnavailableException(CameraId, LastError ?? "no frame received yet");
        }
    }

    /// <summary>Waits for the next frame to arrive.</summary>
    public Task<Frame> NextFrameAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref nextFrame).Task.WaitAsync(cancellationToken);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var raw in source.ReadFramesAsync(cancellationToken))
                {
                    Publish(raw);
                    failures = 0;
                }

                LastError = "stream ended";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LastError = ex.Message;
            }

            failures++;
            State = failures > 5 ? CameraState.Failing : CameraState.Reconnecting;
            var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
            Log.Reconnecting(logger, CameraId, source.Describe(), LastError ?? "", backoff.TotalSeconds);
            try
            {
                await Task.Delay(backoff, timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Publish(RawFrame raw)
    {
        var frame = new Frame(raw, ++sequence, timeProvider.GetTimestamp(), timeProvider.GetUtcNow());
        Volatile.Write(ref latest, frame);
        if (State != CameraState.Connected)
        {
            State = CameraState.Connected;
            LastError = null;
            Log.Connected(logger, CameraId, source.Describe());
        }

        var signal = Interlocked.Exchange(ref nextFrame, NewSignal());
        signal.TrySetResult(frame);
    }

    private static TaskCompletionSource<Frame> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }

        stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Camera {CameraId} connected: {Source}")]
        public static partial void Connected(ILogger logger, string cameraId, string source);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Camera {CameraId} ({Source}) lost: {Reason}; reconnecting in {Seconds:0.0} s")]
        public static partial void Reconnecting(ILogger logger, string cameraId, string source, string reason, double seconds);
    }
}

public sealed class CameraUnavailableException(string cameraId, string reason)
    : Exception($"camera '{cameraId}' has no frame: {reason}")
{
    public string CameraId { get; } = cameraId;
}
