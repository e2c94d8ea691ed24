using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Doctor;

/// <summary>Keeps what components log while the doctor drives them (e.g. ffmpeg's own error lines) to quote in a finding.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>Completes when the first line arrives (a child's stderr can trail its stdout closing).</summary>
    public Task FirstLine => firstLine.Task;

    public ILogger CreateLogger(string categoryName) => new Collector(lines, firstLine);

    public void Dispose()
    {
    }

    private sealed class Collector(ConcurrentQueue<string> lines, TaskCompletionSource firstLine) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(formatter(state, exception));
                firstLine.TrySetResult();
            }
        }
    }
}
