using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>A logger that keeps every line (event id and formatted message), for asserting on what was logged.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(int EventId, string Message)> lines = [];

    public IReadOnlyList<(int EventId, string Message)> Lines
    {
        get
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines)
        {
            lines.Add((eventId.Id, formatter(state, exception)));
        }
    }
}
