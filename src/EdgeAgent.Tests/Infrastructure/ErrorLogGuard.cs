using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every error (and critical) the code under test logged, so a harness fails the test
/// when one was not expected, as MQTTnet's TestEnvironment does. A test that provokes errors names them with
/// <see cref="Allow"/> (a fragment of the message, the category or the event id's number). Warnings are kept
/// apart, for tests that assert one was logged.
/// </summary>
public sealed class ErrorLogGuard : ILoggerProvider
{
    private readonly List<string> errors = [];
    private readonly List<string> allowed = [];
    private readonly List<string> warnings = [];

    /// <summary>Every warning logged so far, in the same form as <see cref="Errors"/>.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (errors)
            {
                return [.. warnings];
            }
        }
    }

    /// <summary>Every error logged so far, as "category[event id] message: exception".</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return [.. errors];
            }
        }
    }

    /// <summary>Errors containing <paramref name="fragment"/> are expected by this test and do not fail it.</summary>
    public void Allow(string fragment)
    {
        lock (errors)
        {
            allowed.Add(fragment);
        }
    }

    /// <summary>The errors no <see cref="Allow"/> covers.</summary>
    public IReadOnlyList<string> Unexpected()
    {
        lock (errors)
        {
            return [.. errors.Where(e => !allowed.Any(a => e.Contains(a, StringComparison.Ordinal)))];
        }
    }

    /// <summary>Fails the test with every unexpected error.</summary>
    public void AssertNoUnexpected()
    {
        var unexpected = Unexpected();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} error(s) logged that the test did not expect (allow them with Allow):\n{string.Join('\n', unexpected)}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string entry)
    {
        lock (errors)
        {
            (level >= LogLevel.Error ? errors : warnings).Add(entry);
        }
    }

    private sealed class Logger(ErrorLogGuard guard, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                guard.Add(logLevel, $"{category}[{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : ": " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
