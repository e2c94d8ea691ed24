using System.Buffers;
using System.Runtime.InteropServices;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// The central collector's MQTT side: a shared subscription to every device's images and records, a
/// supervised reconnect loop, manual PUBACK only after the <see cref="EvidenceIntake"/> has written durably,
/// and a receipt to the device after that, signed with the collector's <see cref="ReceiptKey"/>. The same
/// record twice is stored once. A message that can never be stored is acknowledged, dead-lettered and answered
/// <c>rejected</c>; only transient failures (<see cref="IsTransient"/>) leave it unacknowledged.
/// A pipeline: records are read (<see cref="EvidenceIntake.Read"/>) in parallel as they arrive, then every message is
/// handled one at a time in arrival order; reading goes on while a batch syncs, and receipts are signed off that path.
/// </summary>
public sealed partial class CollectorService : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly CollectorOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly List<Acknowledgement> batch = [];
    private long batchBytes;
    private long lastEnlisted;
    private readonly ITimer flushTimer;
    private TaskCompletionSource disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? supervisor;
    private Task? healthWriter;
    private long stored;
    private long transientFailures;
    private long keyHeld;
    private long acknowledged;
    private int disposed;
    private readonly System.Threading.Channels.Channel<Inbound> inbound = System.Threading.Channels.Channel.CreateUnbounded<Inbound>(new() { SingleReader = true });
    private readonly CancellationTokenSource handling = new();
    private Task? handler;
    private long generation;

    /// <summary>A received message waiting for the serial stage; <paramref name="Record"/>: its reading, started at once (records only).</summary>
    private sealed record Inbound(MqttApplicationMessageReceivedEventArgs Args, byte[] Payload, long Generation, Task<RecordMessage>? Record);

    /// <summary>
    /// Opens the collector's store, index and dead letters (<see cref="EvidenceIntake.Open"/>) and loads or creates its
    /// receipt key: all the disk and database work of a collector, before it connects in <see cref="StartAsync"/>.
    /// </summary>
    public static CollectorService Open(CollectorOptions options, ILogger<CollectorService> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        timeProvider ??= TimeProvider.System;
        var intake = EvidenceIntake.Open(options, logger, timeProvider);
        try
        {
            var receiptKey = DeviceKey.LoadOrCreateFile(options.ReceiptKeyFile ?? Path.Combine(Path.GetFullPath(options.OutputDirectory), DefaultReceiptKeyFile));
            return new CollectorService(options, logger, timeProvider, intake, receiptKey);
        }
        catch
        {
            intake.Dispose();
            throw;
        }
    }

    /// <summary>Only assigns and subscribes to events: the disk and database work is <see cref="Open"/>'s.</summary>
    private CollectorService(CollectorOptions options, ILogger<CollectorService> logger, TimeProvider timeProvider, EvidenceIntake intake, DeviceKey receiptKey)
    {
        this.options = options;
        this.logger = logger;
        this.timeProvider = timeProvider;
        Intake = intake;
        ReceiptKey = receiptKey;
        Intake.RecordStored += (_, record) =>
        {
            Interlocked.Increment(ref stored);
            RecordStored?.Invoke(this, record);
        };
        Intake.Rejected += (_, reason) => Rejected?.Invoke(this, reason);
        Intake.ChainBroken += (_, broken) => ChainBroken?.Invoke(this, broken);
        flushTimer = this.timeProvider.CreateTimer(_ => _ = FlushAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Where the receipt key is kept when <see cref="CollectorOptions.ReceiptKeyFile"/> is not set (under the store root).</summary>
    public const string DefaultReceiptKeyFile = "collector-receipt-key.pem";

    public EvidenceIntake Intake { get; }

    /// <summary>The collector's ES256 key: every receipt is signed with it; devices enrol its public half.</summary>
    public DeviceKey ReceiptKey { get; }

    /// <summary>What this collector did since start, for health and metrics (also written to <c>{root}/.collector-health.json</c>).</summary>
    public CollectorHealth Health => new(
        StoredCount,
        Intake.DeadLetters.Count,
        Intake.DeadLetters.Kept,
        Intake.DeadLetters.OnDisk,
        Intake.RefusedChunks,
        Interlocked.Read(ref transientFailures),
        Intake.Staging.PendingImages,
        Intake.Staging.StagedBytes,
        client.IsConnected,
        ReceiptKey.KeyId)
    {
        KeyHeld = Interlocked.Read(ref keyHeld),
    };

    public IEvidenceStore Store => Intake.Store;

    /// <summary>Raised after a record and its image are durably stored (not for duplicates).</summary>
    public event EventHandler<EvidenceRecord>? RecordStored;

    /// <summary>Raised when a message is refused, with the reason.</summary>
    public event EventHandler<string>? Rejected;

    /// <summary>Raised when a stored record's <c>prevHash</c> does not match its stored predecessor; the record is kept, flagged in the index.</summary>
    public event EventHandler<ChainBreak>? ChainBroken;

    /// <summary>Raised when a message could not be handled (for example the disk is full); it was not acknowledged.</summary>
    public event EventHandler<Exception>? HandlingFailed;

    public long StoredCount => Interlocked.Read(ref stored);

    /// <summary>Messages acknowledged (PUBACK sent) since start.</summary>
    public long Acknowledged => Interlocked.Read(ref acknowledged);

    /// <summary>Connects once (throws when the broker is unreachable), then keeps reconnecting in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Intake.Keys is { } keys)
        {
            Log.CheckingSignatures(logger, keys.Devices.Count);
        }
        else
        {
            Log.SignaturesNotChecked(logger);
        }

        foreach (var gap in Intake.Index.CountByDevice().Keys.SelectMany(Intake.Index.Gaps))
        {
            Log.OpenGap(logger, gap.DeviceId, gap.From, gap.To);
        }

        Log.ReceiptKey(logger, ReceiptKey.Path, ReceiptKey.KeyId);
        await Store.CheckAsync(cancellationToken); // a bucket that cannot keep its retention promise stops the start
        await Intake.Staging.CheckAsync(cancellationToken); // so does a bucket whose default retention would lock the staged chunks
        handler = HandleLoopAsync(handling.Token);
        await ConnectAsync(cancellationToken);
        Log.Started(logger, options.Broker.Url, Store.Location);
        supervisor = SuperviseAsync(stopping.Token);
        healthWriter = WriteHealthAsync(stopping.Token);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref generation); // whatever the last connection delivered and is still queued is redelivered on this one
        // The broker never delivers a packet bigger than we can take (MQTT 5 Maximum Packet Size): a 200 MiB
        // chunk is dropped by the broker for this client instead of being read into memory here.
        var mqtt = MqttConnectionFactory.Build(options.Broker, options.ClientId, b => b.WithCleanStart(false).WithSessionExpiryInterval(7 * 24 * 3600), MaximumPacketSize(options), ReceiveMaximum);
        if (mqtt.ChannelOptions is MqttClientTcpOptions tcp)
        {
            tcp.BufferSize = Math.Max(tcp.BufferSize, SocketBufferBytes);
        }

        await client.ConnectAsync(mqtt, cancellationToken);
        await client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic(Topics.Shared(options.SubscriptionGroup, Topics.AllImages)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .WithTopicFilter(f => f.WithTopic(Topics.Shared(options.SubscriptionGroup, Topics.AllEvidence)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                .Build(),
            cancellationToken);
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await disconnected.Task.WaitAsync(cancellationToken);
                failures++;
                var delay = ReconnectBackoff.Next(failures, Random.Shared);
                Log.Reconnecting(logger, options.Broker.Url, delay.TotalSeconds);
                await Task.Delay(delay, timeProvider, cancellationToken);
                await ConnectAsync(cancellationToken);
                failures = 0;
                Log.Started(logger, options.Broker.Url, Store.Location);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ReconnectFailed(logger, options.Broker.Url, ex.Message);
                disconnected.TrySetResult(); // try again after the next backoff
            }
        }
    }

    /// <summary>
    /// Messages the broker may have in flight to the collector (MQTT 5 Receive Maximum). Records are read in parallel
    /// and every message is handled one at a time (<see cref="OnMessageAsync"/>); this bounds both, and keeps a flood
    /// queued at the broker, not in this process. It is also the ceiling of a group
    /// commit batch (the broker sends no more while a batch is unacknowledged), so it sets the drain rate: at most
    /// this many messages per durable sync. 16 gave batches of 3 to 8 records and a drain bound by syncs (issue #19);
    /// 64 amortised one sync over up to 32 records of two messages, and once devices could keep 256 records in flight
    /// (session 7) every batch was full: 64 messages per sync, 584 records/s end to end. 128: 504-775 records/s and 1.3-1.5
    /// ms bench CPU per record against 1.5-1.7 (alternated runs, docs/deploy.md). Memory: a handled message is held until
    /// its batch is acknowledged, and a batch is committed early once it holds <see cref="MaxBatchBytes"/>; the unhandled
    /// rest is at most this many times <see cref="MaximumPacketSize"/> (devices send 96 KiB chunks by default: 14 MiB).
    /// </summary>
    public const ushort ReceiveMaximum = 128;

    /// <summary>
    /// The collector's socket buffers (SO_RCVBUF/SO_SNDBUF; <see cref="Configuration.BrokerOptions.SocketBufferBytes"/> when that
    /// is larger). The collector receives up to <see cref="ReceiveMaximum"/> packets of 66-96 KiB back to back; with the
    /// shared 64 KiB setting (which also turns off the kernel's receive autotuning) the socket held one or two of them, so
    /// MQTTnet's 4 KiB reads kept waiting for data (an epoll wake-up and a thread-pool hop per few KiB) and the broker
    /// for window. End-to-end drain, bench process CPU per record: 2.99-3.36 ms before, 1.81-2.56 ms with this and
    /// <see cref="Own"/>, most of it this (alternated runs; docs/deploy.md, "The collector's transport cut").
    /// </summary>
    public const int SocketBufferBytes = 1024 * 1024;

    /// <summary>
    /// Group commit: at most this many messages share one durable sync. It equals <see cref="ReceiveMaximum"/>: the
    /// broker sends no more while the batch is unacknowledged, so a full window is committed at once.
    /// </summary>
    public const int MaxBatch = ReceiveMaximum;

    /// <summary>Group commit: a batch whose messages hold this many payload bytes is committed at once, whatever its count.</summary>
    public const long MaxBatchBytes = 16L * 1024 * 1024;

    /// <summary>Group commit: a batch is committed once no message joined it for this long (or when it is full).</summary>
    public static readonly TimeSpan MaxBatchWait = TimeSpan.FromMilliseconds(2);

    /// <summary>Raised after a batch was made durable, with its message count, before any of them is acknowledged.</summary>
    public event EventHandler<int>? BatchCommitted;

    /// <summary>The largest packet the collector announces: a chunk of <see cref="CollectorOptions.MaxChunkBytes"/> (or a record) plus headroom for topic and properties.</summary>
    public static uint MaximumPacketSize(CollectorOptions options) => (uint)Math.Max(options.MaxChunkBytes, RecordValidator.MaxRecordBytes) + 16 * 1024;

    /// <summary>
    /// The MQTT client's handler, on its receive loop: copies the message, starts reading a record on the thread pool
    /// (<see cref="EvidenceIntake.Read"/>: validation, binding, chain hash, signature, in parallel with everything
    /// else) and queues it for <see cref="HandleLoopAsync"/>, which handles messages one at a time in arrival order.
    /// It returns at once, so the client keeps reading packets while a message is stored or a batch syncs; at most
    /// <see cref="ReceiveMaximum"/> unacknowledged messages are queued, read or handled at a time.
    /// </summary>
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        args.AutoAcknowledge = false;
        var message = args.ApplicationMessage;
        var payload = Own(message.Payload);
        var deviceId = Topics.DeviceOf(message.Topic);
        var read = deviceId is not null && Topics.IsDeviceId(deviceId) && message.Topic == Topics.Evidence(deviceId)
            ? Task.Run(() => Intake.Read(deviceId, payload))
            : null;
        inbound.Writer.TryWrite(new Inbound(args, payload, Volatile.Read(ref generation), read));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The payload as one array without copying it when it is one already: MQTTnet 5.2 decodes every PUBLISH payload
    /// into a new array of its own (<c>MqttBufferReader.ReadRemainingData</c>; not pooled, never written again), which
    /// the collector may keep. Copied (<c>ToArray</c>) otherwise. Before: every 66 KiB chunk was copied once more here.
    /// </summary>
    internal static byte[] Own(in ReadOnlySequence<byte> payload) =>
        payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    /// <summary>The serial stage: every queued message in arrival order (a record after the chunks sent before it).</summary>
    private async Task HandleLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await inbound.Reader.WaitToReadAsync(cancellationToken))
            {
                while (inbound.Reader.TryRead(out var item))
                {
                    await HandleAsync(item);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(Inbound item)
    {
        var args = item.Args;
        var message = args.ApplicationMessage;
        await gate.WaitAsync();
        try
        {
            if (item.Generation != Volatile.Read(ref generation))
            {
                // Received on a connection that has been dropped since: the broker redelivers it on the new one, and a
                // PUBACK sent now could acknowledge another message that reused its packet id.
                return;
            }

            Intake.BeginBatch(); // group commit (directory store with the SQLite index): nothing below is synced until the batch is
            var deviceId = Topics.DeviceOf(message.Topic);
            Receipt? receipt = null;
            RecordMessage? record = null;
            if (deviceId is null)
            {
                Log.NotDeviceTopic(logger, message.Topic);
            }
            else if (!Topics.IsDeviceId(deviceId))
            {
                // Not a device this system could have: kept for people, never answered (its receipt topic is not ours to write).
                Intake.DeadLetter(message.Topic, null, item.Payload, $"topic device id is not valid: {Configuration.Identifiers.Message}");
            }
            else if (message.Topic == Topics.Image(deviceId))
            {
                Intake.AcceptChunk(deviceId, Property(message, Topics.Properties.RecordId), Property(message, Topics.Properties.ChunkIndex), Property(message, Topics.Properties.ChunkCount), item.Payload, owned: item.Payload);
            }
            else if (item.Record is not null)
            {
                record = await item.Record;
                receipt = AcceptRecord(record);
            }

            if (Intake.SupportsGroupCommit)
            {
                // Group commit: acknowledged and answered with its batch, after the batch's one durable sync.
                Enlist(new Acknowledgement(args, deviceId, receipt, receipt?.Status == ReceiptStatus.Incomplete ? record : null, item.Generation));
                batchBytes += item.Payload.Length;
                if (batch.Count >= MaxBatch || batchBytes >= MaxBatchBytes)
                {
                    await CommitBatchAsync();
                }

                return;
            }

            // Acknowledge only now: whatever was accepted is on disk, whatever can never be is dead-lettered.
            await args.AcknowledgeAsync(CancellationToken.None);
            Interlocked.Increment(ref acknowledged);
            if (receipt is not null)
            {
                // Not awaited, and signed off this loop: the next message need not wait for the signature or the broker's
                // PUBACK of this receipt. A lost receipt only means the device resends, and the record is answered 'duplicate'.
                _ = Task.Run(() => SendReceiptAsync(deviceId!, receipt));
            }
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // Not acknowledged, and the connection is dropped: unacknowledged messages fill the broker's
            // in-flight window for us, and only a new connection makes it redeliver them (after the backoff).
            // The device, without a receipt, resends too.
            // Under group commit the whole open batch is forgotten with it: none of it was acknowledged.
            AbortBatch();
            Interlocked.Increment(ref transientFailures);
            Log.HandlerFailed(logger, ex, message.Topic);
            HandlingFailed?.Invoke(this, ex);
            Drop();
        }
        catch (Exception ex)
        {
            // Neither stored nor transient (a bug meeting odd input): acknowledged and dead-lettered, never redelivered forever.
            Log.HandlerBug(logger, ex, Topics.DeviceOf(message.Topic) ?? message.Topic);
            try
            {
                Intake.DeadLetter(message.Topic, Topics.DeviceOf(message.Topic), item.Payload, $"message could not be handled: {ex.GetType().Name}: {ex.Message}");
                if (Intake.SupportsGroupCommit)
                {
                    Enlist(new Acknowledgement(args, null, null, Generation: item.Generation)); // after the batch's earlier messages are durable
                }
                else
                {
                    await args.AcknowledgeAsync(CancellationToken.None);
                }
            }
            catch (Exception inner) when (IsTransient(inner))
            {
                AbortBatch();
                Interlocked.Increment(ref transientFailures);
                HandlingFailed?.Invoke(this, inner);
                Drop();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Under <see cref="gate"/>: forgets every message received on this connection (queued ones are skipped, see
    /// <see cref="HandleAsync"/>) and drops it, so the broker redelivers them on the next.
    /// </summary>
    private void Drop()
    {
        Interlocked.Increment(ref generation);
        _ = Task.Run(DropAsync);
    }

    /// <summary>
    /// Adds a handled message to the open batch and (re)arms the <see cref="MaxBatchWait"/> timer: a batch grows while
    /// messages keep coming and is committed when it is full or when none came for <see cref="MaxBatchWait"/>. (Timed
    /// from the first message instead, a batch was cut after 2 ms whatever the broker still held: 3 to 8 records.)
    /// </summary>
    private void Enlist(Acknowledgement acknowledgement)
    {
        batch.Add(acknowledgement);
        lastEnlisted = timeProvider.GetTimestamp();
        flushTimer.Change(MaxBatchWait, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The batch timer: commits whatever the batch holds once no message came for <see cref="MaxBatchWait"/> (nothing when it was committed meanwhile).</summary>
    private async Task FlushAsync()
    {
        try
        {
            await gate.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            var idle = timeProvider.GetElapsedTime(lastEnlisted);
            if (batch.Count > 0 && idle < MaxBatchWait)
            {
                // A message was enlisted while this tick waited for the gate: wait for the rest of its quiet time.
                flushTimer.Change(MaxBatchWait - idle, Timeout.InfiniteTimeSpan);
                return;
            }

            await CommitBatchAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Under <see cref="gate"/>: one durable sync of the batch (<see cref="EvidenceIntake.CommitBatch"/>), then, and only
    /// then, every PUBACK of the batch and its receipts. When the sync fails nothing is acknowledged and the connection
    /// is dropped, so the broker redelivers the batch.
    /// </summary>
    private async Task CommitBatchAsync()
    {
        flushTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (batch.Count == 0 && held.Count == 0)
        {
            Intake.AbortBatch(); // an open, empty batch (its only message was not acknowledged)
            return;
        }

        Acknowledgement[] committed;
        try
        {
            RecheckIncomplete();
            if (batch.Count == 0)
            {
                Intake.AbortBatch(); // only held records, none of them settled yet
                flushTimer.Change(HeldRecheck, Timeout.InfiniteTimeSpan);
                return;
            }

            committed = [.. batch];
            Intake.CommitBatch();
        }
        catch (Exception ex)
        {
            committed = [.. batch];
            Intake.AbortBatch(); // nothing when the commit itself failed (it rolled back)
            if (ex is KeyHeldException held)
            {
                Interlocked.Increment(ref keyHeld);
                Log.KeyHeld(logger, held.RecordId, held.Key, committed.Length); // nothing failed: a reset device's sequence
            }
            else
            {
                Interlocked.Increment(ref transientFailures);
                Log.BatchFailed(logger, ex, committed.Length);
            }

            HandlingFailed?.Invoke(this, ex);
            Drop();
            return;
        }
        finally
        {
            batch.Clear();
            batchBytes = 0;
        }

        if (held.Count > 0)
        {
            flushTimer.Change(HeldRecheck, Timeout.InfiniteTimeSpan); // looked at again even if no message comes
        }

        BatchCommitted?.Invoke(this, committed.Length);
        // Every PUBACK of the batch at once (they go out in order on the one connection), then the receipts, signed
        // and published off this loop: the next batch is already being read and handled meanwhile.
        var current = Volatile.Read(ref generation);
        await Task.WhenAll(committed.Where(a => a.Generation == current).Select(AcknowledgeAsync));
        var receipts = committed.Where(a => a.Receipt is not null).ToArray();
        if (receipts.Length > 0)
        {
            _ = Task.Run(() => SendReceiptsAsync(receipts));
        }
    }

    private async Task AcknowledgeAsync(Acknowledgement acknowledgement)
    {
        try
        {
            await acknowledgement.Message.AcknowledgeAsync(CancellationToken.None);
            Interlocked.Increment(ref acknowledged);
        }
        catch (Exception)
        {
            // The connection is gone (or the client stopping): the batch is durable; the broker redelivers, and
            // each stored record is answered 'duplicate'.
        }
    }

    /// <summary>
    /// Records of the batch answered <c>incomplete</c> are looked at again, inside the still open batch: with a shared
    /// subscription the broker hands a record and its chunks to different collectors round-robin, so the record often
    /// arrives here before the other collector has staged its chunk. Without this, half the records of two
    /// collectors went back to the device for a resend (issue #19's load generator: 649 to 1,509 resends per 3,000).
    /// One still missing chunks is held (with a shared subscription, at most <see cref="MaxHeld"/> at a time): neither
    /// acknowledged nor answered, it leaves the batch and is looked at again at every later commit, and joins the batch
    /// being committed once its chunks are staged (stored) or after <see cref="CollectorOptions.IncompleteGrace"/> (then answered
    /// <c>incomplete</c>, and the device resends). Checking only within the batch left 161 resends per 1,000 records
    /// with two collectors (100 devices): the other collector stages the chunk a batch or two later.
    /// </summary>
    private void RecheckIncomplete()
    {
        var current = Volatile.Read(ref generation);
        for (var i = held.Count - 1; i >= 0; i--)
        {
            var (message, since) = held[i];
            if (message.Generation != current)
            {
                held.RemoveAt(i); // its connection is gone: the broker redelivers it
            }
            else if (timeProvider.GetElapsedTime(since) >= options.IncompleteGrace || ChunksStaged(message.Record!))
            {
                held.RemoveAt(i);
                Intake.BeginBatch(); // when only held records are looked at (the timer), no message opened it
                batch.Add(message with { Receipt = AcceptRecord(message.Record!), Record = null });
            }
        }

        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (batch[i] is not { Record: { } record, Receipt.Status: ReceiptStatus.Incomplete } incomplete)
            {
                continue;
            }

            if (ChunksStaged(record))
            {
                batch[i] = incomplete with { Receipt = AcceptRecord(record), Record = null };
            }
            else if (options.SubscriptionGroup is not null && held.Count < MaxHeld && incomplete.Generation == current)
            {
                held.Add((incomplete, timeProvider.GetTimestamp()));
                batch.RemoveAt(i);
            }
            else
            {
                batch[i] = incomplete with { Record = null };
            }
        }
    }

    /// <summary>Every chunk of the record's image is staged (by this collector or another one sharing the store).</summary>
    private bool ChunksStaged(RecordMessage record) => record.Record is { } r && Intake.Staging.Missing(record.DeviceId, r.RecordId) is { Count: 0 };

    /// <summary>Held records are looked at this often when no message comes (otherwise at every commit).</summary>
    private static readonly TimeSpan HeldRecheck = TimeSpan.FromMilliseconds(20);

    /// <summary>At most this many records are held at a time: each keeps one of the broker's <see cref="ReceiveMaximum"/> slots, and the chunks still need room.</summary>
    public const int MaxHeld = ReceiveMaximum / 2;

    private readonly List<(Acknowledgement Message, long Since)> held = [];

    private void AbortBatch()
    {
        flushTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        batch.Clear();
        held.Clear(); // unacknowledged: redelivered on the next connection
        batchBytes = 0;
        Intake.AbortBatch();
    }

    /// <summary>
    /// A record through the intake; a failure that is not the disk's or the index's means this message can
    /// never be stored (a bug meeting odd input): it is dead-lettered and answered, never redelivered forever.
    /// </summary>
    private Receipt? AcceptRecord(RecordMessage message)
    {
        var deviceId = message.DeviceId;
        var payload = message.Json;
        try
        {
            return Intake.AcceptRecord(message);
        }
        catch (Exception ex) when (!IsTransient(ex))
        {
            Log.HandlerBug(logger, ex, deviceId);
            Intake.DeadLetter(Topics.Evidence(deviceId), deviceId, payload, $"record could not be handled: {ex.GetType().Name}: {ex.Message}");
            return RecordValidator.Identity(payload) is { } identity
                ? new Receipt { RecordId = identity.RecordId, Sequence = identity.Sequence, Status = ReceiptStatus.Rejected, Reason = "the collector could not handle this record" }
                : null;
        }
    }

    /// <summary>Failures that may pass (disk full, index unreachable, permissions being fixed): the message is redelivered later.</summary>
    public static bool IsTransient(Exception ex) =>
        ex is (IOException and not PathTooLongException) or UnauthorizedAccessException or System.Data.Common.DbException or TimeoutException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException ||
        (ex.InnerException is { } inner && IsTransient(inner));

    private async Task SendReceiptAsync(string deviceId, Receipt receipt)
    {
        try
        {
            var signed = ReceiptSignature.Sign(receipt with { DeviceId = deviceId }, ReceiptKey.Key);
            await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(Topics.Receipt(deviceId)).WithPayload(signed.ToJson()).WithContentType("application/json").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ReceiptFailed(logger, deviceId, receipt.Sequence, ex.Message);
        }
    }

    private async Task DropAsync()
    {
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build());
        }
        catch (Exception)
        {
            disconnected.TrySetResult(); // already gone: let the supervisor reconnect
        }
    }

    /// <summary>Every few seconds, when something changed: <c>{root}/.collector-health.json</c> (atomic replace), for monitoring.</summary>
    private async Task WriteHealthAsync(CancellationToken cancellationToken)
    {
        CollectorHealth? written = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var now = Health;
                if (now != written)
                {
                    var path = Path.Combine(Path.GetFullPath(options.OutputDirectory), CollectorHealth.FileName);
                    await File.WriteAllBytesAsync(path + ".tmp", now.ToJson(), cancellationToken);
                    File.Move(path + ".tmp", path, overwrite: true);
                    var metrics = Path.Combine(Path.GetFullPath(options.OutputDirectory), CollectorHealth.MetricsFileName);
                    await File.WriteAllTextAsync(metrics + ".tmp", now.ToPrometheus(), cancellationToken);
                    File.Move(metrics + ".tmp", metrics, overwrite: true);
                    written = now;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, CancellationToken.None); // disk full: try again
            }
        }
    }

    private static string? Property(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        inbound.Writer.TryComplete();
        await handling.CancelAsync(); // what is queued but not handled stays unacknowledged: the broker redelivers it
        if (handler is not null)
        {
            await handler;
        }

        await gate.WaitAsync();
        try
        {
            await CommitBatchAsync(); // what was handled is made durable and acknowledged before leaving
            held.Clear(); // never acknowledged: the broker hands them to another member, or redelivers them after a restart
            flushTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            gate.Release();
        }

        await stopping.CancelAsync();
        await flushTimer.DisposeAsync();
        if (supervisor is not null)
        {
            await supervisor;
        }

        if (healthWriter is not null)
        {
            await healthWriter;
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        client.Dispose();
        gate.Dispose();
        stopping.Dispose();
        handling.Dispose();
        Intake.Dispose();
        ReceiptKey.Dispose();
    }
}

/// <summary>Part of the folder's log messages (all of them: see docs/operations.md "Log event ids").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Collector connected to {Broker}, storing under {Root}")]
    public static partial void Started(ILogger logger, string broker, string root);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Failed to handle message on {Topic}; not acknowledged, reconnecting so the broker redelivers")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Collector lost {Broker}; reconnecting in {Seconds:0.0} s")]
    public static partial void Reconnecting(ILogger logger, string broker, double seconds);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "Collector could not reconnect to {Broker}: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, string broker, string reason);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Receipt for {DeviceId} #{Sequence} not sent: {Reason}; the device will resend and get 'duplicate'")]
    public static partial void ReceiptFailed(ILogger logger, string deviceId, long sequence, string reason);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Open sequence gap from {DeviceId}: #{From}..#{To} not received yet")]
    public static partial void OpenGap(ILogger logger, string deviceId, long from, long to);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Record signatures are NOT checked: no enrolled keys configured (edgeagent collect --keys DIR); records are stored after their image hash check only")]
    public static partial void SignaturesNotChecked(ILogger logger);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Information, Message = "Checking record signatures against {Count} enrolled device key(s); records from other devices are rejected")]
    public static partial void CheckingSignatures(ILogger logger, int count);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Information, Message = "Receipts are signed with {Path} (key id {KeyId}); enrol its public key on the devices (Broker:CollectorKeys)")]
    public static partial void ReceiptKey(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 7016, Level = LogLevel.Error, Message = "A record from {DeviceId} could not be handled; dead-lettered and answered 'rejected'")]
    public static partial void HandlerBug(ILogger logger, Exception exception, string deviceId);

    [LoggerMessage(EventId = 7018, Level = LogLevel.Warning, Message = "Could not delete the chunks staged for {DeviceId} record {RecordId} in {Location}; they are swept after MaxPendingAge, or at the next start")]
    public static partial void StagedPartsNotDeleted(ILogger logger, Exception exception, string deviceId, Guid recordId, string location);

    [LoggerMessage(EventId = 7017, Level = LogLevel.Error, Message = "A batch of {Count} message(s) could not be made durable; none acknowledged, reconnecting so the broker redelivers")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 7019, Level = LogLevel.Warning, Message = "Record {RecordId} found {Key} held by another record (a device whose outbox was reset); its batch of {Count} message(s) is redelivered and the record stored beside it")]
    public static partial void KeyHeld(ILogger logger, Guid recordId, string key, int count);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Ignored a message on {Topic}: not a device topic")]
    public static partial void NotDeviceTopic(ILogger logger, string topic);
}
