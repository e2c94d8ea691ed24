using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Protocol;
using static EdgeAgent.Central.Verification.VerificationFailure;

namespace EdgeAgent.Central.Verification;

/// <summary>
/// Walks one device's records in storage order and checks every link: the record parses, is signed by the
/// device's enrolled key, its image matches its SHA-256, it sits where its sequence says, its sequence
/// follows the previous one without a gap, and its <c>prevHash</c> is the hash of the previous record.
/// Pure functions over bytes and a key, so the collector can run the same checks as each record arrives.
/// </summary>
public static class ChainVerifier
{
    /// <summary>Checks that <paramref name="record"/> follows a record with sequence <paramref name="previousSequence"/>
    /// (0: none) and hash <paramref name="previousHash"/>; returns the failing check and why, or null.</summary>
    public static (string Check, string Detail)? CheckLink(EvidenceRecord record, long previousSequence, string previousHash) =>
        ChainRule.CheckLink(record, previousSequence, previousHash);

    /// <summary>Verifies one device's chain; <paramref name="records"/> in storage order. <paramref name="key"/> null skips signatures.</summary>
    public static ChainResult VerifyDevice(string deviceId, IEnumerable<StoredRecord> records, ECDsa? key)
    {
        var failures = new List<VerificationFailure>();
        var good = new List<(StoredRecord Stored, EvidenceRecord Record)>();
        long previousSequence = 0;
        var previousHash = EvidenceSignature.GenesisHash;
        foreach (var stored in records)
        {
            var (record, failure) = CheckRecord(deviceId, stored, key, previousSequence, previousHash);
            if (failure is not null)
            {
                failures.Add(failure);
            }

            if (record is not null)
            {
                good.Add((stored, record));
                previousSequence = record.Sequence;
                previousHash = EvidenceSignature.RecordHash(stored.Json);
            }
        }

        return new ChainResult(failures, good);
    }

    private static (EvidenceRecord? Record, VerificationFailure? Failure) CheckRecord(string deviceId, StoredRecord stored, ECDsa? key, long previousSequence, string previousHash)
    {
        VerificationFailure Fail(string check, string detail, long? sequence) => new(deviceId, stored.Name, sequence, check, detail);
        EvidenceRecord record;
        try
        {
            record = EvidenceRecord.FromJson(stored.Json);
            _ = CanonicalJson.Canonicalize(stored.Json);
        }
        catch (JsonException ex)
        {
            return (null, Fail(Checks.Parse, $"record does not parse: {ex.Message}", stored.NameSequence));
        }

        if (!EvidenceRecord.KnownSchemas.Contains(record.Schema))
        {
            return (record, Fail(Checks.Parse, $"schema '{record.Schema}' is not one of {string.Join(", ", EvidenceRecord.KnownSchemas)}", record.Sequence));
        }

        if (record.DeviceId != deviceId)
        {
            return (record, Fail(Checks.Device, $"record claims device '{record.DeviceId}' but is stored under '{deviceId}'", record.Sequence));
        }

        if (key is not null && EvidenceSignature.Check(stored.Json, key) is { } bad)
        {
            return (record, Fail(Checks.Signature, bad, record.Sequence));
        }

        var image = stored.Image();
        if (image is null)
        {
            return (record, Fail(Checks.Image, record.Clip is null ? "image is missing" : "clip video (.mp4) is missing", record.Sequence));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(image));
        if (hash != record.Image.Sha256)
        {
            return (record, Fail(Checks.Image, $"image SHA-256 is {hash}, record says {record.Image.Sha256}", record.Sequence));
        }

        if (record.Clip is not null && Mp4Integrity.Problem(image) is { } unplayable)
        {
            return (record, Fail(Checks.ImageIntegrity, $"clip video of {Path.GetFileName(stored.Name)} is {unplayable}", record.Sequence));
        }

        if (record.Clip is null && record.Image.ContentType == "image/jpeg" && JpegIntegrity.Problem(image) is { } broken)
        {
            return (record, Fail(Checks.ImageIntegrity, $"image {Path.ChangeExtension(Path.GetFileName(stored.Name), ".jpg")} is {broken}", record.Sequence));
        }

        if (stored.NameSequence is { } claimed && claimed != record.Sequence)
        {
            return (record, Fail(Checks.Order, $"stored as sequence {claimed} but the record is sequence {record.Sequence}: records were moved or swapped", record.Sequence));
        }

        return CheckLink(record, previousSequence, previousHash) is { } link
            ? (record, Fail(link.Check, link.Detail, record.Sequence))
            : (record, null);
    }
}

/// <summary>A device's failures, and its records that parsed (for the completeness check).</summary>
public sealed record ChainResult(IReadOnlyList<VerificationFailure> Failures, IReadOnlyList<(StoredRecord Stored, EvidenceRecord Record)> Records);
