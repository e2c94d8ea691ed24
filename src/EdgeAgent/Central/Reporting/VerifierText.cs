namespace EdgeAgent.Central.Reporting;

/// <summary>
/// Puts the verifier's and the device's own English texts into <see cref="ReportMessage"/>s: by their check or
/// finding code, so every language names what failed; the English keeps the full original detail.
/// </summary>
public static class VerifierText
{
    /// <summary>A verifier problem, <c>"{check}: {detail}"</c>.</summary>
    public static ReportMessage Problem(string problem)
    {
        var colon = problem.IndexOf(": ", StringComparison.Ordinal);
        var check = colon > 0 ? problem[..colon] : "";
        return Known("verify." + check) is { } key
            ? ReportMessage.Of(key, ("detail", problem[(colon + 2)..]))
            : ReportMessage.Of("verify.other", ("detail", problem));
    }

    /// <summary>A check the verifier ran on every record (<see cref="RecordVerification.Checks"/>).</summary>
    public static ReportMessage Check(string check) => check switch
    {
        "record parses" => ReportMessage.Of("check.record-parses"),
        "image SHA-256" => ReportMessage.Of("check.image-sha256"),
        "signature" => ReportMessage.Of("check.signature"),
        "image complete" => ReportMessage.Of("check.image-complete"),
        _ => ReportMessage.Of("check.hash-chain"),
    };

    /// <summary>A finding as the device wrote it, <c>"{code}: {message}"</c> (or free text from older devices).</summary>
    public static ReportMessage DeviceFinding(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Known("device." + text[..colon]) is { } key
            ? ReportMessage.Of(key, ("text", text))
            : ReportMessage.Of("finding.device", ("text", text));
    }

    /// <summary>A note of the verifier about what it could not check.</summary>
    public static ReportMessage Warning(string text) =>
        text.StartsWith("signatures not checked", StringComparison.Ordinal) ? ReportMessage.Of("warning.no-keys")
        : text.StartsWith("completeness not checked", StringComparison.Ordinal) ? ReportMessage.Of("warning.no-templates")
        : ReportMessage.Of("warning.other", ("text", text));

    private static string? Known(string key) => ReportText.Table(ReportText.Fallback).ContainsKey(key) ? key : null;
}
