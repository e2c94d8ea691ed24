using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A real RTSP camera (<c>rtsp_test_camera.py</c>: GStreamer's RTSP server, Debian gir1.2-gst-rtsp-server-1.0) on a
/// loopback port. Every frame carries its production time (Unix ms) in a <see cref="EdgeAgent.Capture.FrameClockStripe"/>,
/// and its RTCP sender reports map RTP time to that same time. With <c>check</c>, it also reports what it sends:
/// every sender report (NTP as Unix ns, RTP time) and every frame (stripe ms, RTP time), for <see cref="SenderReports"/>
/// and <see cref="SentFrames"/>. Killed on dispose.
/// </summary>
public sealed class RtspTestCamera : IAsyncDisposable
{
    private readonly Process process;
    private readonly Lock gate = new();
    private readonly List<(long NtpUnixNs, uint Rtp)> senderReports = [];
    private readonly List<(long StripeMs, uint Rtp)> sentFrames = [];
    private readonly List<(uint Reporter, uint HighestSequence, uint Lost)> receiverReports = [];
    private readonly List<string> requests = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> waiters = [];
    private readonly TaskCompletionSource<string> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder errors = new();
    private int disposed;

    private RtspTestCamera(Process process) => this.process = process;

    public string Url { get; private set; } = "";

    public int Port => new Uri(Url).Port;

    public IReadOnlyList<(long NtpUnixNs, uint Rtp)> SenderReports
    {
        get
        {
            lock (gate)
            {
                return [.. senderReports];
            }
        }
    }

    public IReadOnlyList<(long StripeMs, uint Rtp)> SentFrames
    {
        get
        {
            lock (gate)
            {
                return [.. sentFrames];
            }
        }
    }

    /// <summary>With <c>check</c>: every RTCP receiver report a client sent (its SSRC, extended highest sequence, cumulative loss).</summary>
    public IReadOnlyList<(uint Reporter, uint HighestSequence, uint Lost)> ReceiverReports
    {
        get
        {
            lock (gate)
            {
                return [.. receiverReports];
            }
        }
    }

    /// <summary>With <c>check</c>: the OPTIONS, GET_PARAMETER and TEARDOWN requests the camera accepted, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Infrastructure", "rtsp_test_camera.py");

    /// <summary>Starts the camera on a free loopback port and completes once it serves.</summary>
    /// <param name="port">A port to reuse (a camera coming back); a free one when null.</param>
    /// <param name="gop">Keyframe interval in frames; 0: one a second.</param>
    /// <param name="switchSize">A picture size (WxH) the camera changes to after <paramref name="switchAfter"/> frames; null: never.</param>
    /// <param name="sessionTimeoutSeconds">The RTSP session timeout the camera announces in SETUP; 0: its default (60 s).</param>
    /// <param name="user">With <paramref name="password"/>: the camera requires Digest authentication as this user; null: open.</param>
    public static async Task<RtspTestCamera> StartAsync(string size = "1280x720", int fps = 15, string codec = "h264", bool check = false, int? port = null, int gop = 0, string? switchSize = null, int switchAfter = 0, int bitrateKbps = 0, bool busy = false, string? user = null, string? password = null, int sessionTimeoutSeconds = 0)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { ScriptPath, "--port", (port ?? FreePort()).ToString(CultureInfo.InvariantCulture), "--size", size, "--fps", fps.ToString(CultureInfo.InvariantCulture), "--codec", codec })
        {
            info.ArgumentList.Add(arg);
        }

        if (check)
        {
            info.ArgumentList.Add("--check");
        }

        foreach (var arg in new[] { "--gop", gop.ToString(CultureInfo.InvariantCulture), "--switch-after", switchAfter.ToString(CultureInfo.InvariantCulture), "--bitrate", bitrateKbps.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        if (busy)
        {
            info.ArgumentList.Add("--busy");
        }

        if (sessionTimeoutSeconds > 0)
        {
            info.ArgumentList.Add("--session-timeout");
            info.ArgumentList.Add(sessionTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
        }

        if (user is not null)
        {
            foreach (var arg in new[] { "--user", user, "--password", password ?? "" })
            {
                info.ArgumentList.Add(arg);
            }
        }

        if (switchSize is not null)
        {
            info.ArgumentList.Add("--switch-size");
            info.ArgumentList.Add(switchSize);
        }

        var camera = new RtspTestCamera(Process.Start(info) ?? throw new InvalidOperationException("python3 did not start"));
        camera.process.OutputDataReceived += (_, e) => camera.OnLine(e.Data);
        camera.process.ErrorDataReceived += (_, e) =>
        {
            lock (camera.gate)
            {
                camera.errors.AppendLine(e.Data);
            }
        };
        camera.process.BeginOutputReadLine();
        camera.process.BeginErrorReadLine();
        try
        {
            camera.Url = await camera.ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            await camera.DisposeAsync();
            throw new InvalidOperationException($"the RTSP test camera did not start: {ex.Message} {camera.Errors}", ex);
        }

        return camera;
    }

    public string Errors
    {
        get
        {
            lock (gate)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>Completes when <paramref name="condition"/> (over what the camera reported) holds.</summary>
    public Task WaitUntilAsync(Func<RtspTestCamera, bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            waiters.Add((() => condition(this), done));
        }

        Notify();
        return done.Task.WaitAsync(timeout);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            ready.TrySetException(new InvalidOperationException("the camera exited"));
            return;
        }

        var parts = line.Split(' ');
        switch (parts[0])
        {
            case "READY":
                ready.TrySetResult(parts[1]);
                return;
            case "ERROR":
                ready.TrySetException(new InvalidOperationException(line));
                return;
            case "SR":
                lock (gate)
                {
                    senderReports.Add((long.Parse(parts[1], CultureInfo.InvariantCulture), uint.Parse(parts[2], CultureInfo.InvariantCulture)));
                }

                break;
            case "RR":
                lock (gate)
                {
                    receiverReports.Add((uint.Parse(parts[1], CultureInfo.InvariantCulture), uint.Parse(parts[2], CultureInfo.InvariantCulture), uint.Parse(parts[3], CultureInfo.InvariantCulture)));
                }

                break;
            case "REQUEST":
                lock (gate)
                {
                    requests.Add(parts[1]);
                }

                break;
            case "FRAME":
                lock (gate)
                {
                    sentFrames.Add((long.Parse(parts[1], CultureInfo.InvariantCulture), uint.Parse(parts[2], CultureInfo.InvariantCulture)));
                }

                break;
            default:
                return;
        }

        Notify();
    }

    private void Notify()
    {
        List<(Func<bool> Condition, TaskCompletionSource Done)> met;
        lock (gate)
        {
            met = waiters.Where(w => w.Condition()).ToList();
            waiters.RemoveAll(met.Contains);
        }

        met.ForEach(w => w.Done.TrySetResult());
    }

    /// <summary>Freezes the camera (SIGSTOP): its connections stay open but nothing more is sent, as a hung camera does.</summary>
    public async Task FreezeAsync()
    {
        using var stop = Process.Start(new ProcessStartInfo("kill", ["-STOP", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await stop.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
