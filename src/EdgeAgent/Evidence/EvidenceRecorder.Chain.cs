using EdgeAgent.Outbox;
using EdgeAgent.Protocol;

namespace EdgeAgent.Evidence;

/// <summary>
/// The end of the device's hash chain belongs to the evidence stage: it reads where the chain stands from the outbox
/// once (<see cref="EvidenceOutbox.ReadNextLinkAsync"/>: after a restart or kill -9 that is what the outbox recovered),
/// signs each record with that sequence and <c>prevHash</c>, hands the finished record to the outbox and advances the
/// link only when the append returned (to the link it returns: this record's sequence + 1 and its hash). Photos, late photos and clips take turns under one lock, so two records never
/// claim the same link. After any failed append the link is read again, so a refused or half-known append (disk full,
/// cancelled after the commit) cannot leave the recorder with a stale head.
/// </summary>
public sealed partial class EvidenceRecorder
{
    private readonly SemaphoreSlim chainGate = new(1, 1);
    private NextLink? next; // null until read from the outbox, and again after a failed append

    /// <summary>Builds the record for the chain's next link with <paramref name="build"/>, signs it, appends it durably.</summary>
    private async Task<EvidenceRecord> AppendSignedAsync(Func<NextLink, EvidenceRecord> build, byte[] image, CancellationToken cancellationToken)
    {
        await chainGate.WaitAsync(cancellationToken);
        try
        {
            var link = next ?? await outbox.ReadNextLinkAsync(cancellationToken);
            next = null; // until the append is known to have succeeded
            var record = EvidenceSignature.Sign(build(link), deviceKey.Key);
            next = await outbox.AppendAsync(record, image, cancellationToken); // the link after it: sequence + 1, its hash
            return record;
        }
        finally
        {
            chainGate.Release();
        }
    }
}
