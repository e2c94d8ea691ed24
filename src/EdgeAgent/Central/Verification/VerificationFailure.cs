namespace EdgeAgent.Central.Verification;

/// <summary>One broken link: which record (file), which check, and what was found.</summary>
/// <param name="File">The record file (relative to the store root), or the work order directory for completeness.</param>
/// <param name="Check">One of <see cref="Checks"/>.</param>
public sealed record VerificationFailure(string DeviceId, string File, long? Sequence, string Check, string Detail)
{
    public override string ToString() =>
        Sequence is { } sequence ? $"{File} (device {DeviceId}, sequence {sequence}): {Check}: {Detail}" : $"{File} (device {DeviceId}): {Check}: {Detail}";

    /// <summary>The checks, in the order they run on each record.</summary>
    public static class Checks
    {
        public const string Parse = "parse";
        public const string Device = "device";
        public const string Location = "location";
        public const string Signature = "signature";
        public const string Image = "image-hash";
        public const string ImageIntegrity = "image-integrity";
        public const string Order = "order";
        public const string Sequence = Protocol.ChainRule.SequenceCheck;
        public const string PrevHash = Protocol.ChainRule.PrevHashCheck;
        public const string Completeness = "completeness";
        public const string Retention = "retention";
        public const string Rewritten = "rewritten";
    }
}
