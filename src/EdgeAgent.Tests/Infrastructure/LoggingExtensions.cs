using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Infrastructure;

public static class LoggingExtensions
{
    /// <summary>Keeps test output readable: warnings and errors only.</summary>
    public static ILoggingBuilder SetMinimumLevelToWarning(this ILoggingBuilder builder) => builder.SetMinimumLevel(LogLevel.Warning);
}
