using System.Security.Cryptography;
using EdgeAgent.Protocol;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Bench;

/// <summary>
/// One device of the load generator, built from the agent's own parts so the wire protocol cannot drift: its
/// <see cref="EvidenceOutbox"/> (SQLite, durable appends, the hash chain), records signed with its own
/// <see cref="DeviceKey"/> by <see cref="EvidenceSignature"/>, and the real <see cref="MqttUplinkService"/> (chunks,
/// record, in-flight window, signed receipts checked against the collector's key, resends). Only the camera and the
/// procedure are left out: each record carries the same image.
/// </summary>
public sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly EdgeAgentOptions agent;
    private readonly DeviceKey key;
    private readonly byte[] image;
    private readonly string sha;
    private MqttUplinkService? uplink;
    private int delivered;

    public SimulatedDevice(string deviceId, string directory, string brokerUrl, string collectorKey, byte[] image, int maxInFlightRecords)
    {
        agent = new EdgeAgentOptions
        {
            DeviceId = deviceId,
            SiteId = "fleet",
            StateDirectory = directory,
            Broker = new BrokerOptions { Url = brokerUrl, RequireReceipts = true, CollectorKeys = [collectorKey], MaxInFlightRecords = maxInFlightRecords },
        };
        Directory.CreateDirectory(directory);
        key = DeviceKey.LoadOrCreate(directory);
        Outbox = EvidenceOutbox.Open(Path.Combine(directory, "outbox.db"));
        this.image = image;
        sha = Convert.ToHexStringLower(SHA256.HashData(image));
    }

    public string DeviceId => agent.DeviceId;

    /// <summary>The public key to enrol at the collector (<c>{deviceId}.pem</c> in its <c>--keys</c> directory).</summary>
    public string PublicKeyPem => key.PublicKeyPem;

    public EvidenceOutbox Outbox { get; }

    /// <summary>Records that left the outbox on a collector receipt.</summary>
    public int Delivered => Volatile.Read(ref delivered);

    public bool IsConnected => uplink?.IsConnected ?? false;

    /// <summary>Raised (on the uplink's loop) with each receipt applied to a record in flight.</summary>
    public event EventHandler<ReceiptOutcome>? ReceiptArrived;

    /// <summary>Raised with how many records left the outbox on receipts.</summary>
    public event EventHandler<int>? RecordsDelivered;

    /// <summary>Raised with how many records are sent again (no receipt in time, missing chunks).</summary>
    public event EventHandler<int>? Resent;

    /// <summary>Appends one signed, chained record as the evidence recorder does; its trigger edge is now (the receipt latency's start).</summary>
    public async Task<Guid> AppendAsync()
    {
        var link = await Outbox.ReadNextLinkAsync();
        var record = EvidenceSignature.Sign(BacklogBenchmark.Record(link.Sequence, agent, sha, image.Length) with { PrevHash = link.PrevHash }, key.Key);
        await Outbox.AppendAsync(record, image);
        return record.RecordId;
    }

    public async Task StartAsync()
    {
        uplink = new MqttUplinkService(Options.Create(agent), Outbox, TimeProvider.System, NullLogger<MqttUplinkService>.Instance);
        uplink.Window.ReceiptArrived += (_, outcome) => ReceiptArrived?.Invoke(this, outcome);
        uplink.Window.Resent += (_, count) => Resent?.Invoke(this, count);
        uplink.Window.Delivered += (_, count) =>
        {
            Interlocked.Add(ref delivered, count);
            RecordsDelivered?.Invoke(this, count);
        };
        await uplink.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (uplink is not null)
        {
            await uplink.StopAsync(CancellationToken.None);
            uplink.Dispose();
        }

        Outbox.Dispose();
        key.Dispose();
    }
}
