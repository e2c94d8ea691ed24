using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Health;

/// <summary>
/// Feeds the systemd watchdog (<c>WATCHDOG=1</c>) at half the interval systemd asked for, but only while
/// <see cref="PipelineHealth"/> says the pipeline is really alive. A hung capture or recorder loop stops
/// the pings, and systemd restarts the service after <c>WatchdogSec</c>. The reason goes to <c>STATUS=</c>.
/// </summary>
public sealed partial class SystemdWatchdogService(
    ISystemdNotifier notifier,
    WatchdogSettings settings,
    PipelineHealth pipeline,
    TimeProvider timeProvider,
    ILogger<SystemdWatchdogService> logger) : BackgroundService
{
    private bool? wasHealthy;

    /// <summary>Raised after every check, once the ping (if any) has been sent.</summary>
    public event EventHandler<PipelineVerdict>? Checked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Interval is not { } interval || !notifier.IsEnabled)
        {
            return;
        }

        Log.Armed(logger, interval.TotalSeconds);
        using var timer = new PeriodicTimer(interval / 2, timeProvider);
        do
        {
            Check();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void Check()
    {
        var verdict = pipeline.Evaluate();
        if (verdict.Healthy)
        {
            notifier.Notify(new ServiceState("WATCHDOG=1"));
        }

        if (verdict.Healthy != wasHealthy)
        {
            wasHealthy = verdict.Healthy;
            var status = verdict.Healthy ? "pipeline healthy" : string.Join("; ", verdict.Problems);
            notifier.Notify(new ServiceState("STATUS=" + status));
            if (verdict.Healthy)
            {
                Log.Resumed(logger);
            }
            else
            {
                Log.Withheld(logger, status);
            }
        }

        Checked?.Invoke(this, verdict);
    }
}
