using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EdgeAgent.Capture.Rtsp;

/// <summary>
/// One TCP connection to a camera speaking RTSP/1.0 (RFC 2326) with RTP and RTCP interleaved on it (§10.12: <c>$</c>,
/// channel, 16-bit length). Requests carry CSeq, the session and, after a 401, the authenticator's answer. Reads go
/// through one buffer: an interleaved packet is handed out as a slice of it, valid until the next read.
/// </summary>
internal sealed class RtspConnection : IAsyncDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly TcpClient client;
    private readonly NetworkStream stream;
    private readonly RtspAuthenticator? authenticator;
    private readonly SemaphoreSlim writing = new(1, 1);
    private readonly byte[] buffer = new byte[256 * 1024];
    private int start;
    private int end;
    private int cseq;

    private RtspConnection(TcpClient client, RtspAuthenticator? authenticator)
    {
        this.client = client;
        stream = client.GetStream();
        this.authenticator = authenticator;
    }

    /// <summary>The session id from SETUP (without its <c>;timeout=</c>).</summary>
    public string? Session { get; set; }

    public static async Task<RtspConnection> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 1024 * 1024 };
        try
        {
            await client.ConnectAsync(url.Host, url.Port > 0 ? url.Port : 554, cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new RtspConnection(client, RtspAuthenticator.FromUrl(url));
    }

    /// <summary>Sends a request and returns its response (interleaved packets before it are skipped); answers one 401.</summary>
    public async Task<RtspResponse> RequestAsync(string method, string uri, IEnumerable<string>? headers, CancellationToken cancellationToken)
    {
        var lines = headers?.ToList() ?? [];
        while (true)
        {
            var sent = await SendAsync(method, uri, lines, cancellationToken);
            RtspResponse response;
            do
            {
                response = await ReadResponseAsync(cancellationToken);
            }
            while (response.CSeq != sent && response.CSeq >= 0);

            if (response.Status != 401)
            {
                return response;
            }

            if (authenticator is null)
            {
                throw new FrameSourceException($"{method}: the camera asks for a user and password (401); put them in Cameras[].Url as rtsp://user:password@host/...", permanent: true);
            }

            if ((authenticator.Challenged && !Stale(response)) || !authenticator.Accept(response.All("WWW-Authenticate")))
            {
                throw new FrameSourceException($"{method}: the camera refused the user and password in Cameras[].Url (401 {response.Reason})", permanent: true);
            }
        }
    }

    /// <summary>Sends a request without waiting for its answer (keepalive, TEARDOWN); returns its CSeq.</summary>
    public async Task<int> SendAsync(string method, string uri, IReadOnlyList<string> headers, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        int sequence;
        await writing.WaitAsync(cancellationToken);
        try
        {
            sequence = ++cseq;
            text.Append(CultureInfo.InvariantCulture, $"{method} {uri} RTSP/1.0\r\nCSeq: {sequence}\r\nUser-Agent: EdgeAgent\r\n");
            if (authenticator?.Header(method, uri) is { } authorization)
            {
                text.Append(CultureInfo.InvariantCulture, $"Authorization: {authorization}\r\n");
            }

            if (Session is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"Session: {Session}\r\n");
            }

            foreach (var header in headers)
            {
                text.Append(header).Append("\r\n");
            }

            text.Append("\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        }
        finally
        {
            writing.Release();
        }

        return sequence;
    }

    /// <summary>Sends one interleaved packet (an RTCP receiver report) on <paramref name="channel"/>.</summary>
    public async Task SendInterleavedAsync(int channel, ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        var frame = new byte[4 + packet.Length];
        frame[0] = (byte)'$';
        frame[1] = (byte)channel;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)packet.Length);
        packet.Span.CopyTo(frame.AsSpan(4));
        await writing.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(frame, cancellationToken);
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>
    /// The next interleaved packet: its channel and bytes (a slice of the read buffer, valid until the next read).
    /// RTSP messages in between (answers to keepalives) go to <paramref name="onMessage"/>.
    /// </summary>
    public async ValueTask<(int Channel, ReadOnlyMemory<byte> Packet)> ReadInterleavedAsync(Action<RtspResponse> onMessage, CancellationToken cancellationToken)
    {
        while (true)
        {
            await FillAsync(1, cancellationToken);
            if (buffer[start] != (byte)'$')
            {
                onMessage(await ReadMessageAsync(cancellationToken));
                continue;
            }

            await FillAsync(4, cancellationToken);
            var channel = buffer[start + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 2));
            await FillAsync(4 + length, cancellationToken);
            var packet = new ReadOnlyMemory<byte>(buffer, start + 4, length);
            start += 4 + length;
            return (channel, packet);
        }
    }

    private async Task<RtspResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await FillAsync(1, cancellationToken);
            if (buffer[start] == (byte)'$')
            {
                await FillAsync(4, cancellationToken);
                var length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start + 2));
                await FillAsync(4 + length, cancellationToken);
                start += 4 + length; // a packet that came before the answer (PLAY races its first RTP)
                continue;
            }

            var message = await ReadMessageAsync(cancellationToken);
            if (message.Status > 0)
            {
                return message;
            }
        }
    }

    /// <summary>A response, or a request from the camera (Status 0, ignored by callers).</summary>
    private async Task<RtspResponse> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var headerEnd = -1;
        while (headerEnd < 0)
        {
            headerEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                if (end - start >= MaxHeaderBytes)
                {
                    throw new FrameSourceException("the camera sent an RTSP header over 64 KiB: the connection is out of step");
                }

                await FillAsync(end - start + 1, cancellationToken);
            }
        }

        var head = Encoding.UTF8.GetString(buffer, start, headerEnd).Split("\r\n");
        start += headerEnd + 4;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        var status = 0;
        var reason = "";
        var statusLine = head[0].Split(' ', 3);
        if (statusLine[0].StartsWith("RTSP/", StringComparison.Ordinal))
        {
            if (statusLine.Length < 2 || !int.TryParse(statusLine[1], CultureInfo.InvariantCulture, out status))
            {
                throw new FrameSourceException($"the camera sent a malformed RTSP status line '{head[0]}'");
            }

            reason = statusLine.Length > 2 ? statusLine[2] : "";
        }
        else if (!head[0].EndsWith("RTSP/1.0", StringComparison.Ordinal))
        {
            throw new FrameSourceException("the camera's RTSP connection is out of step (neither a message nor an interleaved packet)");
        }

        var contentLength = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        var bodyLength = int.TryParse(contentLength, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (bodyLength is < 0 or > MaxHeaderBytes)
        {
            throw new FrameSourceException($"the camera sent an RTSP body of {bodyLength} bytes");
        }

        await FillAsync(bodyLength, cancellationToken);
        var body = Encoding.UTF8.GetString(buffer, start, bodyLength);
        start += bodyLength;
        return new RtspResponse(status, reason, headers, body);
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered after <see cref="start"/>.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        if (end - start >= count)
        {
            return;
        }

        if (start + count > buffer.Length)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        while (end - start < count)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                throw new FrameSourceException("the camera closed the connection");
            }

            end += read;
        }
    }

    /// <summary>Takes a new challenge that came as the answer to a keepalive (a camera rotating its nonce).</summary>
    public void Rechallenge(RtspResponse response) => authenticator?.Accept(response.All("WWW-Authenticate"));

    private static bool Stale(RtspResponse response) =>
        response.All("WWW-Authenticate").Any(c => c.Contains("stale=true", StringComparison.OrdinalIgnoreCase));

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        writing.Dispose();
        return ValueTask.CompletedTask;
    }
}
