using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace EdgeAgent.Health;

/// <summary>Health's part of the composition root, called from <c>AddEdgeAgent</c>.</summary>
public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddHealthReporting(this IServiceCollection services)
    {
        // UseSystemd() only activates as systemd's child. Given a NOTIFY_SOCKET anyway (a container, a test
        // harness), speak the same protocol through the same SystemdLifetime: READY=1, then STOPPING=1.
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET")))
        {
            services.AddSingleton<ISystemdNotifier>(NotifySocketNotifier.FromEnvironment());
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        services.TryAddSingleton<ISystemdNotifier>(new NotifySocketNotifier(null));
        services.TryAddSingleton(_ => WatchdogSettings.FromEnvironment());
        services.TryAddSingleton<IDiskSpaceProbe, StatvfsDiskSpaceProbe>();
        services.TryAddSingleton<IThermalProbe>(new SysfsThermalProbe());
        services.TryAddSingleton<IHealthPublisher, MqttHealthPublisher>();
        services.AddSingleton<PipelineHealth>();
        // One contributor per component; the report lists their problems in this order.
        services.AddSingleton<IHealthContributor, PipelineHealthContributor>();
        services.AddSingleton<IHealthContributor, OutboxHealthContributor>();
        services.AddSingleton<IHealthContributor, CameraHealthContributor>();
        services.AddSingleton<IHealthContributor, ScannerHealthContributor>();
        services.AddSingleton<IHealthContributor, InputHealthContributor>();
        services.AddSingleton<IHealthContributor, BrokerHealthContributor>();
        services.AddSingleton<IHealthContributor, DiskHealthContributor>();
        services.AddSingleton<IHealthContributor, ClockHealthContributor>();
        services.AddSingleton<IHealthContributor, ThermalHealthContributor>();
        services.AddSingleton<IHealthContributor, FindingsHealthContributor>();
        services.AddSingleton<HealthCollector>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<SystemdWatchdogService>();
        services.AddHostedService(sp => sp.GetRequiredService<SystemdWatchdogService>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        return services;
    }
}
