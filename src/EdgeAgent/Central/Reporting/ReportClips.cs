using System.Security.Cryptography;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Puts a clip record's video inside the report folder (<c>clips/{job}/{name}.mp4</c>, a byte-for-byte copy of the
/// signed MP4, which the job page plays in an HTML5 <c>&lt;video&gt;</c>), and says when it cannot be shown: missing, or
/// not the video the record's SHA-256 names.
/// </summary>
public static class ReportClips
{
    public static ReportPhotos.Result Develop(string videoPath, EvidenceRecord record, string output, string job)
    {
        if (!File.Exists(videoPath))
        {
            return new(null, null, null, ReportMessage.Of("clip.missing"), true);
        }

        var bytes = File.ReadAllBytes(videoPath);
        var url = string.Join('/', "clips", job, Path.GetFileName(videoPath));
        var target = Path.Combine(output, url);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, bytes); // a copy, never a link: nothing done to the report reaches the store
        return bytes.Length != record.Image.Bytes || Convert.ToHexStringLower(SHA256.HashData(bytes)) != record.Image.Sha256
            ? new(url, null, null, ReportMessage.Of("clip.altered"), true)
            : new(url, null, null, null, false);
    }
}
