using System.Globalization;
using EdgeAgent.Platform;

namespace EdgeAgent.Cli;

/// <summary>
/// One self-overwriting progress line on a terminal: phase, records done/total, rate. Only for a real terminal
/// (<see cref="ForConsole"/>): piped or logged output gets the summary line alone. Thread-safe; redraws at most
/// every <see cref="Interval"/>.
/// </summary>
public sealed class TerminalProgress(TextWriter writer, TimeProvider timeProvider) : IProgress<WorkProgress>
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly Lock gate = new();
    private string phase = "";
    private long phaseStart;
    private long lastDraw;
    private bool drawn;

    /// <summary>A progress line on stderr when stderr is the process's own terminal, else null.</summary>
    public static TerminalProgress? ForConsole(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new TerminalProgress(error, TimeProvider.System) : null;

    public void Report(WorkProgress value)
    {
        lock (gate)
        {
            var now = timeProvider.GetTimestamp();
            if (value.Phase != phase)
            {
                (phase, phaseStart, lastDraw) = (value.Phase, now, 0);
            }
            else if (value.Done < value.Total && timeProvider.GetElapsedTime(lastDraw, now) < Interval)
            {
                return;
            }

            var seconds = timeProvider.GetElapsedTime(phaseStart, now).TotalSeconds;
            var rate = seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {value.Done / seconds:0}/s") : "";
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[K{value.Phase}: {value.Done}/{value.Total} records{rate}"));
            writer.Flush();
            (lastDraw, drawn) = (now, true);
        }
    }

    /// <summary>Clears the progress line so the summary starts on a clean line.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (drawn)
            {
                writer.Write("\r\u001b[K");
                writer.Flush();
                drawn = false;
            }
        }
    }
}
