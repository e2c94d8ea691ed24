using Microsoft.Extensions.Logging;

namespace EdgeAgent.Health;

/// <summary>Every log message of this folder, with its block of event ids (docs/operations.md, "Log event ids").</summary>
internal static partial class Log
{
    // HealthMonitor
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Health is {Status}: {Problems}")]
    public static partial void StatusChanged(ILogger logger, string status, string problems);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Health check failed")]
    public static partial void CheckFailed(ILogger logger, Exception exception);

    // StampFontStartupCheck
    [LoggerMessage(EventId = 3220, Level = LogLevel.Warning, Message = "Photo stamps cannot draw {Where} \"{Text}\": {Glyphs} glyph(s) missing in font '{Font}' (shown as boxes); " + StampFontCheck.Fix)]
    public static partial void GlyphsMissing(ILogger logger, string where, string text, int glyphs, string font);

    [LoggerMessage(EventId = 3221, Level = LogLevel.Debug, Message = "Photo stamps draw all {Count} configured texts")]
    public static partial void AllGlyphs(ILogger logger, int count);

    // SystemdWatchdogService
    [LoggerMessage(EventId = 7121, Level = LogLevel.Information, Message = "systemd watchdog armed: {Seconds:0.#} s; pinging while the pipeline is healthy")]
    public static partial void Armed(ILogger logger, double seconds);

    [LoggerMessage(EventId = 7122, Level = LogLevel.Error, Message = "Withholding systemd watchdog pings, systemd will restart the agent: {Problems}")]
    public static partial void Withheld(ILogger logger, string problems);

    [LoggerMessage(EventId = 7123, Level = LogLevel.Information, Message = "Pipeline healthy again; systemd watchdog pings resumed")]
    public static partial void Resumed(ILogger logger);
}
