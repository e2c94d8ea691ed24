namespace EdgeAgent.Scanning;

/// <summary>One line from a scanner: either accepted text or the reason it was rejected as garbage.</summary>
public readonly record struct ScanLine(string? Text, string? Rejection, int ByteCount)
{
    public bool IsAccepted => Text is not null;

    public static ScanLine Accepted(string text, int byteCount) => new(text, null, byteCount);

    public static ScanLine Rejected(string reason, int byteCount) => new(null, reason, byteCount);
}
