using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hosting.Logging;

/// <summary>
/// Writes one journal entry per log event over journald's native protocol, so each structured value is a field of
/// its own: <c>EDGEAGENT_EVENT_ID=5002</c>, <c>EDGEAGENT_CAMERA=cam-1</c> (from <c>{CameraId}</c> or <c>{Camera}</c>),
/// <c>EDGEAGENT_POINT=…</c>, <c>EDGEAGENT_RECORD=…</c>, <c>EDGEAGENT_SEQUENCE=…</c>. <c>journalctl -u edgeagent EDGEAGENT_EVENT_ID=5002 -o json</c> then filters without
/// parsing text. A value with a newline uses the protocol's length-prefixed form.
/// </summary>
public sealed class JournalLogger(string category, JournalSocket socket) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var entry = new MemoryStream();
        var message = formatter(state, exception);
        Field(entry, "MESSAGE", exception is null ? message : $"{message}: {exception.Message}");
        Field(entry, "PRIORITY", Priority(logLevel).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field(entry, "SYSLOG_IDENTIFIER", "edgeagent");
        Field(entry, "EDGEAGENT_CATEGORY", category);
        if (eventId.Id != 0)
        {
            Field(entry, "EDGEAGENT_EVENT_ID", eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (exception is not null)
        {
            Field(entry, "EDGEAGENT_EXCEPTION", exception.ToString());
        }

        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                if (key != "{OriginalFormat}" && value is not null)
                {
                    Field(entry, "EDGEAGENT_" + FieldName(key), Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                }
            }
        }

        socket.Send(entry.ToArray());
    }

    /// <summary>
    /// Journal field names: upper-case letters, digits and '_', not starting with '_'. An identifier's "Id" suffix is
    /// dropped, so <c>{CameraId}</c> and <c>{Camera}</c> both become <c>CAMERA</c> and one filter finds both.
    /// </summary>
    public static string FieldName(string key)
    {
        if (key.Length > 2 && key.EndsWith("Id", StringComparison.Ordinal))
        {
            key = key[..^2];
        }

        var name = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(key[i - 1]))
            {
                name.Append('_');
            }

            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString().TrimStart('_');
    }

    private static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    private static void Field(MemoryStream entry, string name, string value)
    {
        var key = Encoding.ASCII.GetBytes(name);
        var data = Encoding.UTF8.GetBytes(value);
        entry.Write(key);
        if (Array.IndexOf(data, (byte)'\n') < 0)
        {
            entry.WriteByte((byte)'=');
            entry.Write(data);
        }
        else
        {
            entry.WriteByte((byte)'\n');
            Span<byte> length = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)data.Length);
            entry.Write(length);
            entry.Write(data);
        }

        entry.WriteByte((byte)'\n');
    }
}

/// <summary>The datagram socket journald listens on (<c>/run/systemd/journal/socket</c>); sends never block and failures are dropped.</summary>
public sealed class JournalSocket(string path) : IDisposable
{
    public const string DefaultPath = "/run/systemd/journal/socket";

    private readonly Socket socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint endpoint = new(path);

    public void Send(byte[] entry)
    {
        try
        {
            socket.SendTo(entry, SocketFlags.None, endpoint);
        }
        catch (SocketException)
        {
            // journald gone or entry too large: logging must never take the agent down
        }
    }

    public void Dispose() => socket.Dispose();
}

/// <summary>Provides <see cref="JournalLogger"/>s sharing one socket.</summary>
[ProviderAlias("Journal")]
public sealed class JournalLoggerProvider(string socketPath) : ILoggerProvider
{
    private readonly JournalSocket socket = new(socketPath);

    public ILogger CreateLogger(string categoryName) => new JournalLogger(categoryName, socket);

    public void Dispose() => socket.Dispose();
}
