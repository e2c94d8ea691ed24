using EdgeAgent.Capture;
using EdgeAgent.Central.Verification;
using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Puts each photo inside the report folder, so the folder travels on its own: the signed original
/// (<c>photos/{job}/{name}.jpg</c>, a byte-for-byte copy), the
/// stamped copy the auditor sees (<c>{name}.stamped.jpg</c>, <see cref="ReportStamp"/>) and a thumbnail of it
/// (<c>thumbs/{job}/{name}.jpg</c>). Says what is wrong with a photo that cannot be shown.
/// </summary>
public static class ReportPhotos
{
    /// <summary>Report-relative URLs of a photo's files (null where not written) and any problem with the photo.</summary>
    /// <param name="Unreadable">The photo could not be read at all (missing, corrupt, undecodable): a failure of the report.</param>
    public sealed record Result(string? Original, string? Stamped, string? Thumbnail, ReportMessage? Problem, bool Unreadable);

    public static Result Develop(string imagePath, EvidenceRecord record, RecordFacts facts, PhotoTiming timing, string output, string job)
    {
        if (record.Clip is not null)
        {
            return ReportClips.Develop(imagePath, record, output, job); // a video: copied and checked, played by the page
        }

        if (!File.Exists(imagePath))
        {
            return new(null, null, null, ReportMessage.Of("image.missing"), true);
        }

        var name = Path.GetFileNameWithoutExtension(imagePath);
        var original = Url("photos", job, name + ".jpg");
        var bytes = File.ReadAllBytes(imagePath);
        Place(bytes, Path.Combine(output, original));
        if (JpegIntegrity.Problem(bytes) is { } corrupt)
        {
            return new(original, null, null, ReportMessage.Of("image.corrupt", ("detail", corrupt)), true);
        }

        RawFrame frame;
        try
        {
            frame = JpegEncoder.Decode(bytes);
        }
        catch (InvalidDataException)
        {
            return new(original, null, null, ReportMessage.Of("image.undecodable"), true);
        }

        var stamped = Url("photos", job, name + ".stamped.jpg");
        var thumbnail = Url("thumbs", job, name + ".jpg");
        var stampedFrame = ReportStamp.Render(frame, record, facts, timing);
        File.WriteAllBytes(Path.Combine(output, stamped), JpegEncoder.Encode(stampedFrame, ReportStamp.JpegQuality));
        Thumbnailer.Write(stampedFrame, Path.Combine(output, thumbnail));

        ReportMessage? problem = null;
        if (record.Frame.Width > 0 && record.Frame.Height > 0 && (frame.Width != record.Frame.Width || frame.Height != record.Frame.Height))
        {
            problem = ReportMessage.Of("image.size", ("width", frame.Width), ("height", frame.Height), ("recordWidth", record.Frame.Width), ("recordHeight", record.Frame.Height));
        }
        else if (Thumbnailer.IsBlank(frame))
        {
            problem = ReportMessage.Of("image.blank");
        }

        return new(original, stamped, thumbnail, problem, false);
    }

    private static string Url(params string[] segments) => string.Join('/', segments);

    /// <summary>
    /// A copy of the stored original. Not a hard link: whatever is done to the report folder later (edited,
    /// re-encoded by a viewer) must not be able to reach the evidence store through a shared inode.
    /// </summary>
    private static void Place(byte[] original, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, original);
    }
}
