using EdgeAgent.Configuration;

namespace EdgeAgent.Collector;

public sealed class CollectorOptions
{
    public required BrokerOptions Broker { get; init; }

    public required string OutputDirectory { get; init; }

    public string ClientId { get; init; } = "edgeagent-collector-" + Environment.MachineName;

    /// <summary>Largest image the collector will reassemble.</summary>
    public int MaxImageBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Memory bound for all half-received images together; the oldest are dropped past it.</summary>
    public long MaxPendingBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// MQTT 5 shared-subscription group: collectors with the same group split the records between them.
    /// Null: this collector receives everything.
    /// </summary>
    public string? SubscriptionGroup { get; init; }

    /// <summary>The index that decides "stored once" (required when collectors share a store); null: the files alone decide.</summary>
    public IEvidenceIndex? Index { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
