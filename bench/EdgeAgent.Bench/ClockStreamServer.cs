using System.Diagnostics;
using System.Net;
using EdgeAgent.Capture;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Bench;

/// <summary>
/// A camera on loopback: synthetic frames whose top stripe carries their production time (Unix ms), encoded
/// to MJPEG by a real <c>ffmpeg</c> and served as <c>multipart/x-mixed-replace</c> over HTTP to any number of
/// clients, like an IP camera's MJPEG endpoint.
/// </summary>
public sealed class ClockStreamServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly WebApplication web;
    private readonly Process encoder;
    private readonly List<Task> loops = [];
    private TaskCompletionSource<byte[]> next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClockStreamServer(WebApplication web, Process encoder, int port)
    {
        this.web = web;
        this.encoder = encoder;
        Url = $"http://127.0.0.1:{port}/stream";
    }

    public string Url { get; }

    public static async Task<ClockStreamServer> StartAsync(int width, int height, int fps)
    {
        var port = Demo.InProcessBroker.FreeTcpPort();
        // Content root beside the binary: the default (the working directory, often /tmp) would put a recursive file
        // watcher over the bench's work directory, and every file a collector writes there woke it (5% of a drain's CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var web = builder.Build();

        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}", "-r", $"{fps}", "-i", "pipe:0", "-f", "image2pipe", "-c:v", "mjpeg", "-threads", "1", "-q:v", "4", "-flush_packets", "1", "pipe:1" })
        {
            info.ArgumentList.Add(a);
        }

        var encoder = Process.Start(info)!;
        var server = new ClockStreamServer(web, encoder, port);
        web.MapGet("/stream", server.ServeAsync);
        await web.StartAsync();
        server.loops.Add(Task.Run(() => server.ProduceAsync(width, height, fps)));
        server.loops.Add(Task.Run(server.SplitAsync));
        server.loops.Add(encoder.StandardError.ReadToEndAsync());
        await server.next.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    private async Task ProduceAsync(int width, int height, int fps)
    {
        var source = new SyntheticFrameSource(width, height, fps, TimeProvider.System, "bench camera");
        var stdin = encoder.StandardInput.BaseStream;
        long n = 0;
        try
        {
            await foreach (var _ in source.ReadFramesAsync(stop.Token))
            {
                // Draw at send time so the stripe holds the moment the frame left the "sensor".
                var frame = source.Draw(DateTimeOffset.UtcNow, n++);
                await stdin.WriteAsync(frame.Pixels, stop.Token);
                await stdin.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Splits ffmpeg's concatenated JPEGs at each EOI marker (FF D9; never unescaped inside entropy-coded data).</summary>
    private async Task SplitAsync()
    {
        var stdout = encoder.StandardOutput.BaseStream;
        var buffer = new byte[1 << 16];
        using var current = new MemoryStream();
        var previous = -1;
        int read;
        while ((read = await stdout.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                current.WriteByte(buffer[i]);
                if (previous == 0xFF && buffer[i] == 0xD9)
                {
                    Interlocked.Exchange(ref next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(current.ToArray());
                    current.SetLength(0);
                }

                previous = buffer[i];
            }
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        context.Response.ContentType = "multipart/x-mixed-replace;boundary=frame";
        var body = context.Response.Body;
        try
        {
            while (!context.RequestAborted.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                var jpeg = await Volatile.Read(ref next).Task.WaitAsync(context.RequestAborted);
                await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n"), context.RequestAborted);
                await body.WriteAsync(jpeg, context.RequestAborted);
                await body.WriteAsync("\r\n"u8.ToArray(), context.RequestAborted);
                await body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        encoder.StandardInput.Close();
        if (!encoder.HasExited)
        {
            encoder.Kill();
        }

        await encoder.WaitForExitAsync();
        await web.StopAsync();
        await web.DisposeAsync();
        encoder.Dispose();
        stop.Dispose();
    }
}
