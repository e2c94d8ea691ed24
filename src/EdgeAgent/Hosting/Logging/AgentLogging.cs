using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeAgent.Hosting.Logging;

/// <summary>
/// How the daemon logs. Under systemd (stdout is the journal: <c>JOURNAL_STREAM</c> set, journald's socket present)
/// each event is a journal entry with structured fields (<see cref="JournalLogger"/>). Anywhere else, one line per
/// event with a UTC timestamp, level, category and event id.
/// </summary>
public static class AgentLogging
{
    public static void Configure(ILoggingBuilder logging, string journalSocket = JournalSocket.DefaultPath)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")) && File.Exists(journalSocket))
        {
            logging.ClearProviders();
            logging.Services.AddSingleton<ILoggerProvider>(new JournalLoggerProvider(journalSocket));
            return;
        }

        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }
}
