using System.Globalization;
using System.Net.Sockets;
using EdgeAgent.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// One RTSP session with a camera, from DESCRIBE to TEARDOWN: OPTIONS and DESCRIBE (<see cref="DescribeAsync"/>), then
/// SETUP of the video medium as RTP/AVP/TCP interleaved and PLAY (<see cref="PlayAsync"/>), then access units read one
/// after the other (<see cref="ReadAsync"/>) while it sends the keepalive (GET_PARAMETER, or OPTIONS when the camera
/// does not list it) at half the session timeout and RTCP receiver reports. No RTP for
/// <see cref="RtspSourceSettings.StallTimeout"/>, a socket error or the camera closing ends it with a transient
/// <see cref="FrameSourceException"/>; a 401 after answering, a 404 and the like are permanent.
/// </summary>
internal sealed class RtspPlayback : IAsyncDisposable
{
    private readonly RtspSourceSettings settings;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly RtspConnection connection;
    private readonly string requestUrl;
    private readonly string source;
    private readonly CancellationTokenSource stall;
    private readonly Action<RtspResponse> onMessage;
    private string keepaliveMethod = "OPTIONS";
    private TimeSpan keepaliveInterval = TimeSpan.FromSeconds(30);
    private NalDepacketizer? depacketizer;
    private RtcpSession? rtcp;
    private int rtpChannel;
    private int rtcpChannel = 1;
    private long lastKeepalive;
    private long lastReport;
    private long lastStallReset;
    private long reportedLoss;
    private long extendedTimestamp;
    private uint lastTimestamp;
    private bool anyUnit;
    private bool playing;

    private RtspPlayback(RtspSourceSettings settings, RtspConnection connection, string requestUrl, TimeProvider timeProvider, ILogger logger)
    {
        this.settings = settings;
        this.connection = connection;
        this.requestUrl = requestUrl;
        this.timeProvider = timeProvider;
        this.logger = logger;
        source = CameraUrl.Redact(settings.Url);
        stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        onMessage = OnMessage; // one delegate, not one per packet
    }

    /// <summary>The video medium the camera described.</summary>
    public SessionDescription Track { get; private set; } = null!;

    /// <summary>Connects, asks OPTIONS and DESCRIBE; the caller looks at <see cref="Track"/> before <see cref="PlayAsync"/>.</summary>
    public static async Task<RtspPlayback> DescribeAsync(RtspSourceSettings settings, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || url.Scheme != "rtsp" || string.IsNullOrEmpty(url.Host))
        {
            throw new FrameSourceException($"'{CameraUrl.Redact(settings.Url)}' is not an rtsp:// URL the managed RTSP client reads", permanent: true);
        }

        var requestUrl = url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped);
        var connection = await Guard("connect", settings, timeProvider, t => RtspConnection.ConnectAsync(url, t), cancellationToken);
        var playback = new RtspPlayback(settings, connection, requestUrl, timeProvider, logger);
        try
        {
            var options = await playback.RequestAsync("OPTIONS", requestUrl, null, cancellationToken);
            if (options.Header("Public") is { } methods && methods.Contains("GET_PARAMETER", StringComparison.OrdinalIgnoreCase))
            {
                playback.keepaliveMethod = "GET_PARAMETER";
            }

            var describe = await playback.RequestAsync("DESCRIBE", requestUrl, ["Accept: application/sdp"], cancellationToken);
            var contentBase = describe.Header("Content-Base") ?? describe.Header("Content-Location") ?? requestUrl;
            playback.Track = SessionDescription.Parse(describe.Body, contentBase)
                ?? throw new FrameSourceException($"the camera at {playback.source} describes no video stream", permanent: true);
            return playback;
        }
        catch
        {
            await playback.DisposeAsync();
            throw;
        }
    }

    /// <summary>SETUP (interleaved RTP on 0, RTCP on 1, or the channels the camera chose) and PLAY.</summary>
    public async Task PlayAsync(CancellationToken cancellationToken)
    {
        var codec = Track.Codec ?? throw new FrameSourceException($"the camera at {source} sends {Track.Encoding}; the managed RTSP client reads H264 and H265", permanent: true);
        depacketizer = new NalDepacketizer(codec);
        foreach (var set in Track.ParameterSets)
        {
            depacketizer.AddParameterSet(set);
        }

        rtcp = new RtcpSession(Track.ClockRate, timeProvider);
        var setup = await RequestAsync("SETUP", Track.Control, ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1"], cancellationToken);
        var session = setup.Header("Session") ?? throw new FrameSourceException($"the camera at {source} answered SETUP without a session");
        var parts = session.Split(';', StringSplitOptions.TrimEntries);
        connection.Session = parts[0];
        var timeout = parts.Skip(1).Where(p => p.StartsWith("timeout=", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.TryParse(p[8..], CultureInfo.InvariantCulture, out var s) ? s : 0).FirstOrDefault(s => s > 0, 60);
        keepaliveInterval = TimeSpan.FromSeconds(Math.Max(1, timeout / 2.0));
        if (setup.Header("Transport") is { } transport && transport.Split(';').FirstOrDefault(p => p.StartsWith("interleaved=", StringComparison.OrdinalIgnoreCase)) is { } interleaved)
        {
            var channels = interleaved[12..].Split('-');
            rtpChannel = int.Parse(channels[0], CultureInfo.InvariantCulture);
            rtcpChannel = channels.Length > 1 ? int.Parse(channels[1], CultureInfo.InvariantCulture) : rtpChannel + 1;
        }

        var baseUrl = SessionDescription.Resolve(requestUrl, null);
        await RequestAsync("PLAY", baseUrl, ["Range: npt=0.000-"], cancellationToken);
        playing = true;
        lastKeepalive = lastReport = lastStallReset = timeProvider.GetTimestamp();
        stall.CancelAfter(settings.StallTimeout);
        Log.Playing(logger, source, Track.Encoding, Track.PayloadType, Track.ClockRate, Track.ParameterSets.Count, timeout);
    }

    /// <summary>Reads packets until at least one access unit is complete; returns them with their camera time and pts (ns).</summary>
    public async Task<IReadOnlyList<(EncodedUnit Unit, DateTimeOffset? CameraTime)>> ReadAsync(CancellationToken cancellationToken)
    {
        var completed = new List<AccessUnit>(2);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            while (completed.Count == 0)
            {
                var (channel, packet) = await connection.ReadInterleavedAsync(onMessage, linked.Token);
                if (channel == rtcpChannel)
                {
                    rtcp!.OnRtcp(packet.Span);
                }
                else if (channel == rtpChannel && RtpHeader.TryParse(packet.Span, out var header) && header.PayloadType == Track.PayloadType)
                {
                    rtcp!.OnRtp(header);
                    depacketizer!.Push(header, packet.Span.Slice(header.PayloadOffset, header.PayloadLength), completed);
                    Heartbeat();
                }

                await SendDueAsync(linked.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FrameSourceException($"no RTP from {source} for {settings.StallTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw new FrameSourceException($"the connection to {source} broke: {ex.Message}", ex);
        }

        if (depacketizer!.LostPackets > reportedLoss)
        {
            reportedLoss = depacketizer.LostPackets;
            Log.PacketsLost(logger, source, depacketizer.LostPackets, depacketizer.DroppedUnits);
        }

        return completed.Select(u => (new EncodedUnit(u.Data, depacketizer.Codec, u.Keyframe, Pts(u.RtpTimestamp), u.Width, u.Height), rtcp!.CameraTime(u.RtpTimestamp))).ToList();
    }

    /// <summary>The unit's RTP time as ns since the first unit, unwrapped to 64 bits.</summary>
    private long Pts(uint timestamp)
    {
        if (!anyUnit)
        {
            anyUnit = true;
            lastTimestamp = timestamp;
        }

        extendedTimestamp += (int)(timestamp - lastTimestamp);
        lastTimestamp = timestamp;
        return extendedTimestamp * 1_000_000_000 / Track.ClockRate;
    }

    private void Heartbeat()
    {
        var now = timeProvider.GetTimestamp();
        if (timeProvider.GetElapsedTime(lastStallReset, now) > TimeSpan.FromMilliseconds(250))
        {
            lastStallReset = now;
            stall.CancelAfter(settings.StallTimeout);
        }
    }

    private async Task SendDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetTimestamp();
        if (timeProvider.GetElapsedTime(lastReport, now) >= settings.ReceiverReportInterval)
        {
            lastReport = now;
            await connection.SendInterleavedAsync(rtcpChannel, rtcp!.ReceiverReport(), cancellationToken);
        }

        if (timeProvider.GetElapsedTime(lastKeepalive, now) >= keepaliveInterval)
        {
            lastKeepalive = now;
            await connection.SendAsync(keepaliveMethod, requestUrl, [], cancellationToken);
        }
    }

    private void OnMessage(RtspResponse message)
    {
        if (message.Status == 454)
        {
            throw new FrameSourceException($"the camera at {source} dropped the session ({message.Status} {message.Reason})");
        }

        if (message.Status == 401)
        {
            connection.Rechallenge(message); // a new nonce: the next keepalive answers it
        }

        Log.KeepaliveAnswer(logger, source, message.Status, message.Reason);
    }

    private async Task<RtspResponse> RequestAsync(string method, string uri, IEnumerable<string>? headers, CancellationToken cancellationToken)
    {
        var response = await Guard(method, settings, timeProvider, t => connection.RequestAsync(method, uri, headers, t), cancellationToken);
        if (response.Success)
        {
            return response;
        }

        var what = $"{method} {CameraUrl.Redact(uri)}: {response.Status} {response.Reason}";
        throw response.Status switch
        {
            404 => new FrameSourceException($"{what}: no such stream; check the path in Cameras[].Url", permanent: true),
            403 => new FrameSourceException($"{what}: the camera forbids this user", permanent: true),
            461 => new FrameSourceException($"{what}: the camera does not send RTP over TCP", permanent: true),
            _ => new FrameSourceException(what),
        };
    }

    /// <summary>Runs one step within the request timeout; a timeout or socket error becomes a transient fault.</summary>
    private static async Task<T> Guard<T>(string step, RtspSourceSettings settings, TimeProvider timeProvider, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.RequestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await run(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FrameSourceException($"{step} to {CameraUrl.Redact(settings.Url)}: no answer within {settings.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new FrameSourceException($"{step} to {CameraUrl.Redact(settings.Url)}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (playing)
        {
            playing = false;
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(1), timeProvider);
                await connection.SendAsync("TEARDOWN", SessionDescription.Resolve(requestUrl, null), [], quick.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The camera is gone or the socket broke: the session times out on its side.
            }
        }

        await connection.DisposeAsync();
        stall.Dispose();
    }
}
