using System.Security.Cryptography;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>
/// Which receipts the device acts on: those signed by an enrolled collector key (<see cref="BrokerOptions.CollectorKeys"/>)
/// for this device. With no key enrolled and <see cref="BrokerOptions.AllowUnsignedReceipts"/> set, every
/// well-formed receipt; with neither, none (the configuration validator refuses to start that way). Receipts
/// that are not trusted are counted (<see cref="Untrusted"/>) and do nothing.
/// </summary>
public sealed class ReceiptTrust : IDisposable
{
    private readonly Dictionary<string, ECDsa> keys = new(StringComparer.Ordinal);
    private readonly string deviceId;
    private readonly string[] keyFiles;
    private long untrusted;

    /// <summary>Reads nothing yet: the enrolled keys are read by <see cref="LoadKeys"/>, at the uplink's start.</summary>
    public ReceiptTrust(BrokerOptions broker, string deviceId)
    {
        this.deviceId = deviceId;
        keyFiles = [.. broker.CollectorKeys];
        AllowUnsigned = broker.CollectorKeys.Count == 0 && broker.AllowUnsignedReceipts;
    }

    /// <summary>Reads the enrolled collector keys (<see cref="BrokerOptions.CollectorKeys"/>); once, later calls do nothing.</summary>
    public ReceiptTrust LoadKeys()
    {
        lock (keys)
        {
            if (keys.Count == 0)
            {
                foreach (var file in keyFiles)
                {
                    var key = ECDsa.Create();
                    key.ImportFromPem(File.ReadAllText(file));
                    keys[Protocol.EvidenceSignature.KeyId(key)] = key;
                }
            }
        }

        return this;
    }

    /// <summary>True when receipts are trusted without a signature (no collector key enrolled, explicitly allowed).</summary>
    public bool AllowUnsigned { get; }

    public int KeyCount => keys.Count;

    /// <summary>Receipts refused since start (unsigned, unknown key, bad signature, other device).</summary>
    public long Untrusted => Interlocked.Read(ref untrusted);

    /// <summary>Raised (on the MQTT thread) with the running count each time a receipt is not trusted.</summary>
    public event EventHandler<long>? Refused;

    /// <summary>Null when the device may act on <paramref name="receipt"/> (parsed from <paramref name="payload"/>); else why not (and counted).</summary>
    public string? Problem(ReadOnlySpan<byte> payload, Receipt receipt) =>
        AllowUnsigned ? null : Counted(keys.Count == 0 ? NoKey : ReceiptSignature.Check(payload, receipt, deviceId, keys));

    /// <summary>As for a single receipt: null when the device may act on every entry of <paramref name="batch"/>; else why not (counted once, as one receipt).</summary>
    public string? Problem(ReadOnlySpan<byte> payload, ReceiptBatch batch) =>
        AllowUnsigned ? null : Counted(keys.Count == 0 ? NoKey : ReceiptSignature.Check(payload, batch, deviceId, keys));

    private const string NoKey = "no collector key is enrolled (Broker:CollectorKeys)";

    private string? Counted(string? problem)
    {
        if (problem is not null)
        {
            var count = Interlocked.Increment(ref untrusted); // not inside ?.Invoke: without a subscriber it would not run
            Refused?.Invoke(this, count);
        }

        return problem;
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
