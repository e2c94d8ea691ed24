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
}
