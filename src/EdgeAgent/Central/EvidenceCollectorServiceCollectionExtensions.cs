using EdgeAgent.Central.Collector;
using EdgeAgent.Central.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Central;

/// <summary>
/// The central side's composition root, as <c>AddEdgeAgent</c> is the device's: MQTT → collector intake → store
/// and index → receipt, and the report generator that reads the store. <c>edgeagent collect</c> and
/// <c>edgeagent demo</c> resolve it. Verification (<see cref="Verification.EvidenceVerifier"/>) is stateless and
/// needs no wiring. Central code speaks to the device only through <c>Protocol/</c> (records, topics, receipts).
/// </summary>
public static class EvidenceCollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="CollectorService"/> for <paramref name="options"/> and a <see cref="ReportGenerator"/>.
    /// Resolving the collector opens its store, index and receipt key through <see cref="CollectorService.Open"/> (it
    /// throws what opening throws); it connects only on <see cref="CollectorService.StartAsync"/>. Logging comes from the caller's <c>AddLogging</c>.
    /// </summary>
    public static IServiceCollection AddEvidenceCollector(this IServiceCollection services, CollectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => CollectorService.Open(sp.GetRequiredService<CollectorOptions>(), sp.GetRequiredService<ILogger<CollectorService>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ReportGenerator(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
