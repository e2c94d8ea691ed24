using System.Security.Cryptography;
using EdgeAgent.Configuration;

namespace EdgeAgent.Capture.Overlay;

/// <summary>
/// The images of one evidence frame: the untouched original (the evidence, hashed) and, optionally, the
/// overlay copy with the stamp burned in, derived from the original's pixels. Only selected frames get here.
/// </summary>
public sealed record EvidencePhoto(byte[] Original, string OriginalSha256, byte[]? Overlay, string? OverlaySha256)
{
    public static EvidencePhoto Develop(RawFrame frame, int jpegQuality, OverlayFields? fields = null, OverlayOptions? overlay = null)
    {
        var original = JpegEncoder.Encode(frame, jpegQuality);
        if (fields is null || overlay is not { Enabled: true })
        {
            return new EvidencePhoto(original, Sha256(original), null, null);
        }

        var stamped = JpegEncoder.Encode(OverlayRenderer.Render(frame, fields.Lines(overlay), overlay), jpegQuality);
        return new EvidencePhoto(original, Sha256(original), stamped, Sha256(stamped));
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
