using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace EdgeAgent.Tests.Health;

/// <summary>
/// Plays systemd's side of sd_notify: a Unix datagram socket the agent is pointed at through
/// <c>NOTIFY_SOCKET</c>. Keeps every assignment (<c>READY=1</c>, <c>WATCHDOG=1</c>, ...) in arrival order.
/// </summary>
public sealed class NotifySocketListener : IDisposable
{
    private readonly Socket socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Channel<string> incoming = Channel.CreateUnbounded<string>();
    private readonly List<string> seen = [];

    public NotifySocketListener(string path)
    {
        Path = path;
        socket.Bind(new UnixDomainSocketEndPoint(path));
        _ = Task.Run(ReceiveAsync);
    }

    public string Path { get; }

    /// <summary>Everything consumed so far by the waits, in arrival order.</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    /// <summary>Reads messages until one matches; fails after <paramref name="timeout"/> listing what did arrive.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var message = await incoming.Reader.ReadAsync(cts.Token);
                lock (seen)
                {
                    seen.Add(message);
                }

                if (match(message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("expected notification did not arrive; got: " + string.Join(" | ", Seen));
        }
    }

    public Task<string> WaitForAsync(string exact, TimeSpan? timeout = null) => WaitForAsync(m => m == exact, timeout);

    /// <summary>Sends a marker through the same socket: once it is read, everything sent before it has been read.</summary>
    public Task<string> FlushAsync()
    {
        var marker = "X-TEST-MARKER=" + Guid.NewGuid().ToString("N");
        using (var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            sender.Connect(new UnixDomainSocketEndPoint(Path));
            sender.Send(Encoding.UTF8.GetBytes(marker));
        }

        return WaitForAsync(marker);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[8192];
        while (true)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                incoming.Writer.TryComplete();
                return;
            }

            foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                incoming.Writer.TryWrite(line);
            }
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        File.Delete(Path);
    }
}
