namespace EdgeAgent.Platform;

/// <summary>
/// Whether the evidence store has room for the next record, asked before a procedure moves (no step without room
/// for its photo). Implemented by the outbox and registered in the composition root; the procedure stage consults it
/// through this seam, so Procedure/ does not depend on Outbox/.
/// </summary>
public interface IEvidenceRoom
{
    /// <summary>Null when the next record fits (making room first if it can); else the refusal, not thrown.</summary>
    Task<Exception?> CheckRoomAsync(CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="exception"/> is this store's documented "no room" refusal (also from an append).</summary>
    bool IsNoRoom(Exception exception);
}
