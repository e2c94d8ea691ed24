using EdgeAgent.Configuration;
using EdgeAgent.Procedure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Health;

/// <summary>
/// At start-up, warns once per configured text the photo stamps would draw as empty boxes
/// (<see cref="StampFontCheck"/>). Runs beside start-up, not before READY: a missing font spoils the stamp copy,
/// never the evidence.
/// </summary>
public sealed partial class StampFontStartupCheck(IOptions<EdgeAgentOptions> options, ProcedureRegistry procedures, ILogger<StampFontStartupCheck> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (count, missing) = StampFontCheck.Run(options.Value, procedures.Templates);
        foreach (var text in missing)
        {
            Log.GlyphsMissing(logger, text.Where, text.Text, text.Glyphs, text.Font);
        }

        if (missing.Count == 0)
        {
            Log.AllGlyphs(logger, count);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stamp font events: 3220-3229.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 3220, Level = LogLevel.Warning, Message = "Photo stamps cannot draw {Where} \"{Text}\": {Glyphs} glyph(s) missing in font '{Font}' (shown as boxes); " + StampFontCheck.Fix)]
        public static partial void GlyphsMissing(ILogger logger, string where, string text, int glyphs, string font);

        [LoggerMessage(EventId = 3221, Level = LogLevel.Debug, Message = "Photo stamps draw all {Count} configured texts")]
        public static partial void AllGlyphs(ILogger logger, int count);
    }
}
