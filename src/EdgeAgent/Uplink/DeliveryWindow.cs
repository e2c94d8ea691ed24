using System.Threading.Channels;
using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;

namespace EdgeAgent.Uplink;

/// <summary>
/// Moves outbox records to the broker in sequence order with a bounded number in flight, and removes a
/// record from the outbox only when the collector's receipt for it arrives (end-to-end, after the
/// collector's durable write). A broker PUBACK is required for every message but is not enough.
/// Records without a receipt are sent again after <see cref="BrokerOptions.ReceiptTimeoutSeconds"/>.
/// </summary>
public sealed partial class DeliveryWindow(EvidenceOutbox outbox, BrokerOptions broker, string deviceId, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(5);

    /// <summary>Room for the fixed header, topic, properties and packet id around a chunk's payload.</summary>
    private const int PacketOverhead = 1024;
    private readonly SortedDictionary<long, InFlightRecord> inFlight = [];
    private readonly Channel<Receipt> receipts = Channel.CreateBounded<Receipt>(new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly TimeSpan receiptTimeout = TimeSpan.FromSeconds(broker.ReceiptTimeoutSeconds);
    private long lastQueued;
    private int chunkSize = broker.MaxChunkBytes;
    private readonly BacklogReport backlog = new(logger, timeProvider);

    public int InFlightCount => inFlight.Count;

    /// <summary>Non-evidence to send when no evidence is waiting; optional.</summary>
    public TelemetryQueue? Telemetry { get; init; }

    public DateTimeOffset? LastReceiptAt { get; private set; }

    public DateTimeOffset? LastAcknowledgedAt { get; private set; }

    /// <summary>Raised after records left the outbox on the collector's receipt, with how many.</summary>
    public event EventHandler<int>? Delivered;

    /// <summary>Raised for each receipt applied to a record in flight (stored, duplicate, incomplete, rejected).</summary>
    public event EventHandler<ReceiptOutcome>? ReceiptArrived;

    /// <summary>Raised with how many records are being sent again (overdue receipts, missing chunks).</summary>
    public event EventHandler<int>? Resent;

    /// <summary>Called from the MQTT receive path; never blocks it.</summary>
    public void OnReceipt(Receipt receipt) => receipts.Writer.TryWrite(receipt);

    /// <summary>Chunk size in use: <see cref="BrokerOptions.MaxChunkBytes"/>, shrunk to fit the broker's packet cap.</summary>
    public int ChunkSize => chunkSize;

    /// <summary>
    /// After a (re)connect every record without a receipt is announced again, resuming unfinished images.
    /// When the broker announces a maximum packet size (MQTT 5 CONNACK) below the configured chunk size,
    /// chunks shrink to fit, instead of every publish being refused in an endless reconnect loop. A Receive Maximum
    /// it announces bounds the publishes sent ahead of their PUBACKs (leaving room for health and command answers).
    /// </summary>
    public void Reconnected(uint maximumPacketSize = 0, ushort receiveMaximum = 0)
    {
        publishesAhead = receiveMaximum > 0 ? Math.Clamp(receiveMaximum - 4, 1, PublishesAhead) : PublishesAhead;
        var fits = maximumPacketSize > 0 ? (int)Math.Min(broker.MaxChunkBytes, Math.Max(1024, maximumPacketSize - PacketOverhead)) : broker.MaxChunkBytes;
        if (fits != chunkSize)
        {
            Log.ChunkSize(logger, fits, maximumPacketSize, broker.MaxChunkBytes);
            chunkSize = fits;
        }

        foreach (var (sequence, record) in inFlight.ToList())
        {
            if (record.ChunkSize > chunkSize)
            {
                inFlight[sequence] = new InFlightRecord(sequence, record.RecordId, record.ImageBytes, chunkSize) { EdgeTime = record.EdgeTime, ContentType = record.ContentType }; // re-chunk from scratch
            }
            else
            {
                record.Reconnected();
            }
        }
    }

    /// <summary>
    /// Runs until the connection fails (throws) or <paramref name="cancellationToken"/> is cancelled. Receipts are
    /// applied in memory here and the window refills at once; their records leave the outbox in a second stage
    /// (<see cref="RemoveLoopAsync"/>), one transaction for all receipts that came in meanwhile, beside the sending.
    /// </summary>
    public async Task RunAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var (waiting, waitingBytes, _) = await outbox.StatsAsync(cancellationToken);
        lock (backlog)
        {
            backlog.Flowing(waiting, waitingBytes);
        }

        using var stopRemoving = new CancellationTokenSource();
        var removing = RemoveLoopAsync(stopRemoving.Token);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var appended = outbox.WhenAppended;
                ApplyReceipts();
                await ResendOverdueAsync(cancellationToken);
                if (await SendPendingAsync(client, cancellationToken) || await SendTelemetryAsync(client, cancellationToken))
                {
                    continue;
                }

                await WaitForWorkAsync(client, appended, cancellationToken);
            }
        }
        finally
        {
            ApplyReceipts(); // receipts already here are removed too
            await DropReadAheadAsync(); // the next connection reads from the window's last record again
            await stopRemoving.CancelAsync();
            await removing; // flushes what is queued before returning, even when stopping
        }
    }

    /// <summary>Applies the receipts that arrived, in memory: the window has room again at once; removal is queued.</summary>
    private void ApplyReceipts()
    {
        while (receipts.Reader.TryRead(out var receipt))
        {
            LastReceiptAt = timeProvider.GetUtcNow();
            inFlight.TryGetValue(receipt.Sequence, out var record);
            if (record is not null && record.RecordId != receipt.RecordId)
            {
                continue; // a receipt for some other record with this number: not ours to act on
            }

            if (record is not null)
            {
                // Counted once per record: a second receipt (the answer to a resend) finds it no longer in flight.
                ReceiptArrived?.Invoke(this, new ReceiptOutcome(receipt.Sequence, receipt.Status, record.EdgeTime, record.ImageBytes));
            }

            if (receipt.IsFinal)
            {
                inFlight.Remove(receipt.Sequence);
                removals.Writer.TryWrite(new Removal(receipt.Sequence, receipt.RecordId, record?.ImageBytes));
            }
            else if (receipt.Status == ReceiptStatus.Incomplete && record is not null)
            {
                Log.Incomplete(logger, receipt.Sequence, receipt.Missing?.Count ?? 0);
                record.ResendChunks(receipt.Missing ?? Enumerable.Range(0, record.ChunkCount).ToList());
                Resent?.Invoke(this, 1);
            }
            else if (receipt.Status == ReceiptStatus.Rejected)
            {
                Log.Rejected(logger, receipt.Sequence, receipt.Reason ?? "no reason given");
            }
        }
    }

    private async Task ResendOverdueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var overdue = inFlight.Values.Where(r => r.IsOverdue(now, receiptTimeout)).ToList();
        if (overdue.Count == 0)
        {
            return;
        }

        lock (backlog)
        {
            backlog.Resending([.. overdue.Select(r => r.Sequence)], receiptTimeout.TotalSeconds);
        }

        Resent?.Invoke(this, overdue.Count);
        foreach (var record in overdue)
        {
            record.ResendAll();
            await outbox.MarkAttemptAsync(record.Sequence, cancellationToken);
        }
    }

    /// <summary>
    /// Read once, when the record enters the window: its trigger edge (for the edge → stored latency; null when it
    /// cannot be read) and its chunks' content type (<c>video/mp4</c> when its <c>clip</c> member is set).
    /// </summary>
    private static (DateTimeOffset? EdgeTime, string ContentType) Describe(byte[] record)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(record);
            var root = json.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return (null, "image/jpeg");
            }

            DateTimeOffset? edgeTime = root.TryGetProperty("trigger", out var trigger) && trigger.TryGetProperty("edgeTime", out var edge) && edge.TryGetDateTimeOffset(out var at) ? at : null;
            var clip = root.TryGetProperty("clip", out var member) && member.ValueKind != System.Text.Json.JsonValueKind.Null;
            return (edgeTime, clip ? ClipStamp.ContentType : "image/jpeg");
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, "image/jpeg"); // the collector judges the record itself
        }
    }

    private async Task WaitForWorkAsync(IMqttClient client, Task appended, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var nextDue = inFlight.Values.Where(r => r.SentAt is not null).Select(r => r.SentAt!.Value + receiptTimeout - now).DefaultIfEmpty(IdleCheck).Min();
        var delay = nextDue < IdleCheck ? (nextDue < TimeSpan.Zero ? TimeSpan.Zero : nextDue) : IdleCheck;
        var timer = Task.Delay(delay, timeProvider, wake.Token);
        var waits = new List<Task> { timer, receipts.Reader.WaitToReadAsync(wake.Token).AsTask() };
        if (inFlight.Count < broker.MaxInFlightRecords)
        {
            waits.Add(appended);
        }

        var first = await Task.WhenAny(waits);
        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        if (first == timer && delay == IdleCheck && !await client.TryPingAsync(cancellationToken))
        {
            throw new MqttCommunicationException("broker did not answer a ping");
        }
    }
}
