using EdgeAgent.Configuration;

namespace EdgeAgent.Central.Collector;

public sealed class CollectorOptions
{
    public required BrokerOptions Broker { get; init; }

    /// <summary>The evidence store's root directory; with <see cref="ObjectStore"/> set, only the SQLite index, dead letters and (without <see cref="SubscriptionGroup"/>) chunk staging live here.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>An S3 bucket to store records and images in instead of <see cref="OutputDirectory"/>; null: the directory store.</summary>
    public ObjectStore.S3StoreOptions? ObjectStore { get; init; }

    public string ClientId { get; init; } = "edgeagent-collector-" + Environment.MachineName;

    /// <summary>
    /// MQTT 5 shared-subscription group: collectors with the same group split the devices' messages, records
    /// and chunks alike (<c>$share/{group}/…</c>); they must share the store root, where chunks are staged.
    /// Null: this collector receives everything.
    /// </summary>
    public string? SubscriptionGroup { get; init; }

    /// <summary>Largest single chunk accepted; bigger ones are refused.</summary>
    public int MaxChunkBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Largest image the collector will reassemble.</summary>
    public int MaxImageBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Disk bound for all half-received images together; past it the oldest of the device holding most is evicted.</summary>
    public long MaxPendingBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Disk bound for one device's half-received images; its chunks past it are refused (it resends them).</summary>
    public long MaxPendingBytesPerDevice { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Half-received images one device may have staged; a chunk for another record past it is refused. Keep it
    /// at least the devices' <c>Broker:MaxInFlightRecords</c> (64 by default).
    /// </summary>
    public int MaxPendingImagesPerDevice { get; init; } = 128;

    /// <summary>A half-received image not written to for this long is dropped (its device resends on the receipt).</summary>
    public TimeSpan MaxPendingAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// With a <see cref="SubscriptionGroup"/>: how long a record whose chunks are not all staged yet is held, neither
    /// acknowledged nor answered, while another collector of the group may still be staging them; then it is answered
    /// <c>incomplete</c> and the device resends. Keep it well below the devices' <c>Broker:ReceiptTimeoutSeconds</c> (30).
    /// </summary>
    public TimeSpan IncompleteGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Directory of enrolled device public keys, <c>{deviceId}.pem</c> (from <c>edgeagent key</c>), or one such file.
    /// Set: a record that is unsigned, signed with another key, altered after signing, or from a device without an
    /// enrolled key is rejected and not stored. Null: signatures are not checked (logged once at start).
    /// </summary>
    public string? KeysDirectory { get; init; }

    /// <summary>
    /// The collector's receipt signing key (ECDSA P-256, PKCS#8 PEM), created 0600 if absent; devices enrol its
    /// public half in <c>Broker:CollectorKeys</c>. Null: <c>{OutputDirectory}/collector-receipt-key.pem</c>.
    /// </summary>
    public string? ReceiptKeyFile { get; init; }

    /// <summary>Which index decides "stored once": SQLite in the store (default) or PostgreSQL shared by several collectors.</summary>
    public EvidenceIndexOptions Index { get; init; } = new();

    /// <summary>
    /// Group commit: messages are acknowledged in batches after one durable sync of the batch (directory store with
    /// the SQLite or PostgreSQL index; see <see cref="EvidenceIntake.SupportsGroupCommit"/>). False: each record is synced alone.
    /// </summary>
    public bool GroupCommit { get; init; } = true;
}
