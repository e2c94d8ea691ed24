namespace EdgeAgent.Health;

/// <summary>Sends a health report to the central side. Returns false when it could not be sent now (offline); nothing is queued.</summary>
public interface IHealthPublisher
{
    Task<bool> PublishAsync(HealthReport report, CancellationToken cancellationToken = default);
}
