using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Central.Collector;

/// <summary>
/// What the collector does with each message, independent of MQTT: stage chunks durably, and for each
/// record check device, signature (against the enrolled key, when keys are configured), duplicates,
/// completeness and SHA-256, store it durably, index it, flag hash-chain breaks, report sequence gaps, and
/// say which receipt the device gets. Every record is validated (<see cref="RecordValidator"/>) before it is
/// used; what can never be stored is dead-lettered (<see cref="DeadLetterStore"/>) and answered <c>rejected</c>.
/// Nothing from the wire is used as a path unencoded.
/// </summary>
public sealed partial class EvidenceIntake : IDisposable
{
    private readonly ILogger logger;
    private readonly bool groupCommit;
    private readonly bool holdChunks;
    private readonly TimeProvider timeProvider;
    private long refusedChunks;

    /// <summary>Only assigns: opening the keys, store, index, staging and dead letters is <see cref="Open"/>'s.</summary>
    private EvidenceIntake(CollectorOptions options, ILogger logger, TimeProvider timeProvider, EnrolledKeys? keys, IEvidenceStore store, IEvidenceIndex index, ChunkStaging staging, DeadLetterStore deadLetters)
    {
        this.logger = logger;
        groupCommit = options.GroupCommit;
        holdChunks = options.SubscriptionGroup is null; // in a shared-subscription group another member may be waiting for the chunk: staged at once
        this.timeProvider = timeProvider;
        Keys = keys;
        Store = store;
        Index = index;
        Staging = staging;
        DeadLetters = deadLetters;
    }

    /// <summary>Opens everything the intake writes to, under <see cref="CollectorOptions.OutputDirectory"/> (or its bucket).</summary>
    public static EvidenceIntake Open(CollectorOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var keys = options.KeysDirectory is null ? null : EnrolledKeys.Load(options.KeysDirectory); // first: a bad key leaves nothing open
        Directory.CreateDirectory(options.OutputDirectory);
        IEvidenceStore store = options.ObjectStore is { } bucket ? new ObjectStore.S3EvidenceStore(bucket, time) : new EvidenceStore(options.OutputDirectory);
        var workDirectory = Path.GetFullPath(options.OutputDirectory); // the index and dead letters stay local, whichever store holds the evidence
        var index = EvidenceIndexFactory.Open(options.Index, workDirectory, options.ClientId);
        return new EvidenceIntake(options, logger, time, keys, store, index, ChunkStaging.Open(StagedParts(options, store, workDirectory, logger), options, time), DeadLetterStore.Open(workDirectory, time));
    }

    /// <summary>
    /// Where chunks wait for their record. In the bucket when the evidence goes to a bucket and this collector is one of a
    /// shared-subscription group: the broker hands a record's chunks to any member, and the member that gets the record
    /// must find them without a shared file system. Otherwise in <see cref="CollectorOptions.OutputDirectory"/>: a single
    /// collector gets every chunk itself, and the local disk is faster than a PUT per chunk (a group on a directory store
    /// shares that directory anyway).
    /// </summary>
    private static IStagedParts StagedParts(CollectorOptions options, IEvidenceStore store, string workDirectory, ILogger logger) =>
        options.ObjectStore is { } bucket && options.SubscriptionGroup is not null && store is ObjectStore.S3EvidenceStore s3
            ? new ObjectStore.S3StagedParts(s3.Client, bucket, logger)
            : DirectoryStagedParts.Open(workDirectory);

    /// <summary>Messages that can never be stored, kept with their reason (bounded).</summary>
    public DeadLetterStore DeadLetters { get; }

    /// <summary>The enrolled device keys records must be signed with; null: signatures are not checked.</summary>
    public EnrolledKeys? Keys { get; }

    /// <summary>Where records and images go: the directory <see cref="CollectorOptions.OutputDirectory"/>, or the bucket of <see cref="CollectorOptions.ObjectStore"/>.</summary>
    public IEvidenceStore Store { get; }

    public IEvidenceIndex Index { get; }

    public ChunkStaging Staging { get; }

    public event EventHandler<EvidenceRecord>? RecordStored;

    public event EventHandler<string>? Rejected;

    public event EventHandler<SequenceGap>? GapDetected;

    /// <summary>Raised when a stored record's <c>prevHash</c> does not match its stored predecessor (the record is kept).</summary>
    public event EventHandler<ChainBreak>? ChainBroken;

    /// <summary>Stages one image chunk; returns an error text when refused (then nothing was staged).</summary>
    /// <param name="owned">The array <paramref name="payload"/> is, handed over (never changed after): a chunk held for the batch keeps it instead of a copy.</param>
    public string? AcceptChunk(string deviceId, string? recordId, string? index, string? count, ReadOnlySpan<byte> payload, byte[]? owned = null)
    {
        if (!Guid.TryParse(recordId, out var id) ||
            !int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ||
            !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            const string Invalid = "image chunk without valid record-id/chunk/chunks properties";
            DeadLetter(Topics.Image(deviceId), deviceId, payload, Invalid);
            return Invalid;
        }

        if (Index.Contains(id))
        {
            return null; // a resend of a stored record's chunk: nothing to stage
        }

        // In a batch the chunk is held in memory: nothing of the batch is acknowledged before CommitBatch, which writes
        // to disk only the chunks whose record has not come (the common case, a chunk and its record in one batch, writes none).
        // Not in a shared-subscription group: the record may be with another member, which looks for the chunk on disk.
        var refusal = Staging.Add(deviceId, id, i, n, payload, hold: batching && holdChunks, owned, settled: !batching);
        switch (refusal)
        {
            case null:
                return null;
            case { Permanent: true }:
                DeadLetter(Topics.Image(deviceId), deviceId, payload, $"chunk {i} for {id}: {refusal.Reason}");
                return refusal.Reason;
            default:
                // Over this device's staging quota: not poison; the device resends on an 'incomplete' receipt.
                Interlocked.Increment(ref refusedChunks);
                return refusal.Reason;
        }
    }

    private readonly List<Action> afterCommit = [];
    private bool batching;

    /// <summary>
    /// True when records can be group-committed: a store that syncs a batch at once (<see cref="IGroupCommitStore"/>: the
    /// directory, or a bucket whose PUTs of a batch run concurrently) with an index whose batch commit is one
    /// transaction (SQLite or PostgreSQL, <see cref="IGroupCommitIndex"/>).
    /// </summary>
    public bool SupportsGroupCommit => groupCommit && Store is IGroupCommitStore && Index is IGroupCommitIndex;

    /// <summary>
    /// Opens a batch (group commit): records accepted until <see cref="CommitBatch"/> are written without syncing and
    /// indexed in one open transaction; their receipts may be computed but must not be sent, nor their messages
    /// acknowledged, before <see cref="CommitBatch"/> returns. Nothing when group commit is not supported.
    /// </summary>
    public void BeginBatch()
    {
        if (!SupportsGroupCommit || batching)
        {
            return;
        }

        ((IGroupCommitIndex)Index).BeginBatch();
        ((IGroupCommitStore)Store).BeginBatch();
        batching = true;
    }

    /// <summary>
    /// Makes the batch durable: the files first (one file-system sync, the renames, one fsync per directory), then the
    /// index rows (one transaction). Only then are staged chunks discarded and <see cref="RecordStored"/> raised; last,
    /// the batch's chunks still waiting for their record are staged on disk (<see cref="ChunkStaging.Flush"/>).
    /// </summary>
    /// <exception cref="IOException">
    /// A sync or rename failed (the batch was rolled back), or a chunk could not be staged (its records are stored):
    /// either way its messages must stay unacknowledged, and are redelivered.
    /// </exception>
    public void CommitBatch()
    {
        if (!batching)
        {
            return;
        }

        batching = false;
        try
        {
            ((IGroupCommitStore)Store).CommitBatch();
            ((IGroupCommitIndex)Index).CommitBatch(); // after the files: an index row never points at files that could still vanish
        }
        catch
        {
            AbortBatch();
            throw;
        }

        var actions = afterCommit.ToArray();
        afterCommit.Clear();
        foreach (var action in actions)
        {
            action();
        }

        try
        {
            Staging.Flush(); // before any of the batch is acknowledged
        }
        catch
        {
            Staging.DropHeld();
            throw;
        }
    }

    /// <summary>Forgets the open batch (nothing of it is acknowledged; the broker redelivers it).</summary>
    public void AbortBatch()
    {
        batching = false;
        afterCommit.Clear();
        Staging.DropHeld();
        if (SupportsGroupCommit)
        {
            ((IGroupCommitIndex)Index).RollbackBatch();
            ((IGroupCommitStore)Store).AbortBatch();
        }
    }

    /// <summary>Runs now, or after the open batch is durable.</summary>
    private void AfterCommit(Action action)
    {
        if (batching)
        {
            afterCommit.Add(action);
        }
        else
        {
            action();
        }
    }

    /// <summary>Chunks refused because their device was over its staging quota (count, bytes) since start.</summary>
    public long RefusedChunks => Interlocked.Read(ref refusedChunks);

    /// <summary>Keeps a message that can never be stored (bounded), logs and counts it.</summary>
    /// <exception cref="IOException">The dead-letter area could not be written: transient, the message stays unacknowledged.</exception>
    public void DeadLetter(string topic, string? deviceId, ReadOnlySpan<byte> payload, string reason)
    {
        DeadLetters.Add(topic, deviceId, payload, reason);
        Reject(deviceId ?? "(no device)", reason);
    }

    private static string Shorten(string reason) => reason.Length > 512 ? reason[..512] + "…" : reason;

    /// <summary>Handles a record message; returns the receipt to publish, or null when it is not a record at all.</summary>
    public Receipt? AcceptRecord(string deviceId, ReadOnlySpan<byte> json) => AcceptRecord(Read(deviceId, json.ToArray()));

    /// <summary>
    /// Reads a record message once: validation, binding, chain hash and (with enrolled keys) the signature. Pure: it
    /// touches no index, store or staging, so messages may be read in parallel, ahead of <see cref="AcceptRecord(RecordMessage)"/>.
    /// </summary>
    public RecordMessage Read(string deviceId, byte[] json)
    {
        // One parse serves validation, the chain hash and the signed bytes (before: five parses of the same bytes).
        var invalid = RecordValidator.Problem(json, out var document);
        if (invalid is not null)
        {
            return new RecordMessage { DeviceId = deviceId, Json = json, Invalid = invalid };
        }

        using (document)
        {
            EvidenceRecord record;
            string recordHash;
            byte[]? signed = null;
            bool checkSignature;
            try
            {
                record = EvidenceRecord.FromJson(json);

                // The signature only of a record from its own topic (a mismatch is refused first, as before). Its signed
                // bytes come from the same canonical write as the chain hash (they are that write without 'signature').
                checkSignature = Keys is not null && record.DeviceId == deviceId;
                recordHash = checkSignature
                    ? EvidenceSignature.RecordHashOf(document!.RootElement, out signed)
                    : EvidenceSignature.RecordHashOf(document!.RootElement);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
            {
                return new RecordMessage { DeviceId = deviceId, Json = json, Invalid = $"record does not bind: {ex.Message}" };
            }

            var forged = checkSignature ? SignatureProblem(record, signed!) : null;
            return new RecordMessage { DeviceId = deviceId, Json = json, Record = record, RecordHash = recordHash, Forged = forged };
        }
    }

    /// <summary>Handles a record message read by <see cref="Read"/>; returns the receipt to publish, or null when it is not a record at all.</summary>
    public Receipt? AcceptRecord(RecordMessage message)
    {
        var deviceId = message.DeviceId;
        var json = message.Json;
        if (message.Invalid is { } invalid)
        {
            DeadLetter(Topics.Evidence(deviceId), deviceId, json, invalid);
            if (RecordValidator.Identity(json) is not { } identity)
            {
                return null; // nothing to address a receipt to
            }

            Staging.Discard(deviceId, identity.RecordId);
            return new Receipt { RecordId = identity.RecordId, Sequence = identity.Sequence, Status = ReceiptStatus.Rejected, Reason = Shorten(invalid) };
        }

        var record = message.Record!;
        var recordHash = message.RecordHash;
        if (record.DeviceId != deviceId)
        {
            DeadLetter(Topics.Evidence(deviceId), deviceId, json, $"record claims device '{record.DeviceId}' but came on '{deviceId}'s topic");
            return Answer(record, ReceiptStatus.Rejected, reason: "device id does not match the topic");
        }

        if (message.Forged is { } forged)
        {
            Staging.Discard(deviceId, record.RecordId);
            DeadLetter(Topics.Evidence(deviceId), deviceId, json, $"record {record.RecordId} #{record.Sequence}: {forged}");
            return Answer(record, ReceiptStatus.Rejected, reason: forged);
        }

        if (Index.Contains(record.RecordId))
        {
            AfterCommit(() => Staging.Discard(deviceId, record.RecordId));
            return Answer(record, ReceiptStatus.Duplicate);
        }

        var image = Staging.TryAssemble(deviceId, record.RecordId);
        if (image is null)
        {
            var missing = Staging.Missing(deviceId, record.RecordId);
            Log.Incomplete(logger, deviceId, record.Sequence, missing?.Count ?? -1);
            return Answer(record, ReceiptStatus.Incomplete, missing);
        }

        if (image.Length != record.Image.Bytes || !Convert.ToHexStringLower(SHA256.HashData(image)).Equals(record.Image.Sha256, StringComparison.Ordinal))
        {
            Staging.Discard(deviceId, record.RecordId);
            DeadLetter(Topics.Evidence(deviceId), deviceId, json, $"record {record.RecordId}: image SHA-256 or length does not match the record");
            return Answer(record, ReceiptStatus.Rejected, reason: "image SHA-256 does not match the record");
        }

        var path = Store.Store(record, json, image);
        if (!Index.TryAdd(record, path, timeProvider.GetUtcNow(), recordHash))
        {
            AfterCommit(() => Staging.Discard(deviceId, record.RecordId));
            return Answer(record, ReceiptStatus.Duplicate); // another collector indexed it meanwhile
        }

        // One look at the neighbours serves the chain-link check and, when the predecessor is stored (a drain in order), the gap check.
        var neighbours = Index.Neighbours(deviceId, record.Sequence);
        var previous = neighbours.Previous.Count > 0 ? record.Sequence - 1 : Index.PreviousSequence(deviceId, record.Sequence);

        AfterCommit(() => Staging.Discard(deviceId, record.RecordId));
        Log.Stored(logger, deviceId, record.Sequence, record.WorkOrder.Id, record.Step.Id);
        if (record.Sequence > previous + 1)
        {
            var gap = new SequenceGap(deviceId, previous + 1, record.Sequence - 1);
            Log.Gap(logger, deviceId, gap.From, gap.To);
            GapDetected?.Invoke(this, gap);
        }

        foreach (var broken in ChainLinkCheck.Around(neighbours, Store, record, recordHash))
        {
            Index.FlagChainBreak(broken.RecordId, broken.Detail);
            Log.ChainBreak(logger, deviceId, broken.Sequence, broken.Detail);
            ChainBroken?.Invoke(this, broken);
        }

        AfterCommit(() => RecordStored?.Invoke(this, record));
        return Answer(record, ReceiptStatus.Stored);
    }

    /// <summary>Why the record's signature is not acceptable under the enrolled keys, or null when it verifies.</summary>
    /// <remarks>Records are read in parallel: one verification at a time per key (an <see cref="ECDsa"/> instance is not promised to be thread-safe); different devices verify at once.</remarks>
    /// <param name="signed">The record's <see cref="EvidenceSignature.SignedBytesOf"/> (a record whose canonical form has a duplicate member never gets here: its chain hash failed first).</param>
    private string? SignatureProblem(EvidenceRecord record, byte[] signed)
    {
        if (Keys!.For(record.DeviceId) is not { } key)
        {
            return $"signature: no enrolled key for device '{record.DeviceId}'";
        }

        lock (key)
        {
            var keyId = keyIds.GetValue(key, EvidenceSignature.KeyId);
            return EvidenceSignature.Check(record.Signature, signed, key, keyId) is { } bad ? $"signature: {bad}" : null;
        }
    }

    /// <summary>Each enrolled key's <see cref="EvidenceSignature.KeyId"/>, computed once instead of once per record.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ECDsa, string> keyIds = [];

    private static Receipt Answer(EvidenceRecord record, ReceiptStatus status, IReadOnlyList<int>? missing = null, string? reason = null) =>
        new() { RecordId = record.RecordId, Sequence = record.Sequence, Status = status, Missing = missing, Reason = reason };

    private string Reject(string deviceId, string reason)
    {
        Log.Rejected(logger, deviceId, reason);
        Rejected?.Invoke(this, reason);
        return reason;
    }

    public void Dispose()
    {
        AbortBatch();
        Staging.Close(); // before the store: bucket staging shares its client
        Index.Dispose();
        Store.Dispose();
        Keys?.Dispose();
    }
}

/// <summary>Part of the folder's log messages (all of them: see docs/operations.md "Log event ids").</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Stored {DeviceId} #{Sequence} ({WorkOrder}, step {StepId})")]
    public static partial void Stored(ILogger logger, string deviceId, long sequence, string workOrder, string stepId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Rejected a message from {DeviceId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string deviceId, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Sequence gap from {DeviceId}: #{From}..#{To} not received (yet)")]
    public static partial void Gap(ILogger logger, string deviceId, long from, long to);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Record {DeviceId} #{Sequence} is missing {Missing} chunk(s) (-1: all); asked the device to resend")]
    public static partial void Incomplete(ILogger logger, string deviceId, long sequence, int missing);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Hash chain broken at {DeviceId} #{Sequence}: {Detail}; record kept and flagged")]
    public static partial void ChainBreak(ILogger logger, string deviceId, long sequence, string detail);
}
