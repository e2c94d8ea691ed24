namespace EdgeAgent.Protocol;

/// <summary>Where a photo stands against its trigger's edge; docs/protocol.md <c>frame.role</c>.</summary>
public enum FrameRole
{
    /// <summary>Produced before the edge (from the pre-trigger ring).</summary>
    Pre,

    /// <summary>The first frame produced at or after the edge (plus the step's settle time).</summary>
    At,

    /// <summary>A later photo of the same trigger.</summary>
    Post,
}
