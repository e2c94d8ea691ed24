using Microsoft.Data.Sqlite;

namespace EdgeAgent.Outbox;

/// <summary>Leaving the outbox: removal on receipts (batched) and the evidence quota that turns the condition critical.</summary>
public sealed partial class EvidenceOutbox
{
    /// <summary>Removes a delivered item.</summary>
    public async Task CompleteAsync(long sequence, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM items WHERE seq = $seq RETURNING length(record) + length(image)";
            command.Parameters.AddWithValue("$seq", sequence);
            Removed(command.ExecuteScalar());
        }
        finally
        {
            gate.Release();
        }

        ReportQuota();
    }

    /// <summary>
    /// Removes delivered items in one transaction: one WAL sync for a whole burst of receipts (SD-card
    /// friendly). Losing a removal to power loss only causes a resend, which the collector drops.
    /// </summary>
    /// <param name="receipted">Sequence and record id of each receipt; an item is removed only when both match.</param>
    public async Task CompleteManyAsync(IReadOnlyCollection<(long Sequence, Guid RecordId)> receipted, CancellationToken cancellationToken = default)
    {
        if (receipted.Count == 0)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "DELETE FROM items WHERE seq = $seq AND record_id = $id RETURNING length(record) + length(image)";
            var seq = command.Parameters.Add("$seq", SqliteType.Integer);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            foreach (var (sequence, recordId) in receipted)
            {
                seq.Value = sequence;
                id.Value = recordId.ToString();
                Removed(command.ExecuteScalar());
            }

            tx.Commit();
        }
        finally
        {
            gate.Release();
        }

        ReportQuota();
    }

    /// <summary>Evidence past <see cref="OutboxOptions.EvidenceQuotaBytes"/> is kept (never dropped) but raises a critical alert.</summary>
    /// <remarks>The byte count is kept in memory (one full sum at the first check), so a check costs one row lookup.</remarks>
    private async Task CheckQuotaAsync(Guid appendedRecordId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var command = connection.CreateCommand();
            if (evidenceBytes < 0)
            {
                command.CommandText = "SELECT COALESCE(SUM(length(record) + length(image)), 0) FROM items";
                evidenceBytes = (long)command.ExecuteScalar()!;
            }
            else
            {
                command.CommandText = "SELECT length(record) + length(image) FROM items WHERE record_id = $id";
                command.Parameters.AddWithValue("$id", appendedRecordId.ToString());
                evidenceBytes += command.ExecuteScalar() as long? ?? 0;
            }
        }
        finally
        {
            gate.Release();
        }

        ReportQuota();
    }

    private void Removed(object? bytes)
    {
        if (evidenceBytes >= 0 && bytes is long removed)
        {
            evidenceBytes -= removed;
        }
    }

    private void ReportQuota()
    {
        if (evidenceBytes >= 0)
        {
            Condition.ReportEvidenceBytes(evidenceBytes, options.EvidenceQuotaBytes);
        }
    }
}
