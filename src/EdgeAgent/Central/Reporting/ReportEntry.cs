using EdgeAgent.Protocol;

namespace EdgeAgent.Central.Reporting;

/// <summary>One stored record as the report shows it: the record, its photo's files in the report, its timing and its verification.</summary>
public sealed record ReportEntry(EvidenceRecord Record, string JsonPath, string ImagePath, RecordCheck Check)
{
    /// <summary>What the report read from the record's JSON beyond <see cref="Record"/> (holder, photo timing, clock stamp).</summary>
    public RecordFacts Facts { get; init; } = new();

    public PhotoTiming Timing { get; init; } = new(PhotoRole.At, 0, null, "arrival", null);

    /// <summary>The signed original, copied into the report (report-relative URL); null when the image is missing.</summary>
    public string? Original { get; init; }

    /// <summary>The stamped copy the auditor sees (report-relative URL); null when the image could not be decoded.</summary>
    public string? Stamped { get; init; }

    /// <summary>Thumbnail of the stamped copy (report-relative URL); null when the image could not be decoded.</summary>
    public string? Thumbnail { get; init; }

    /// <summary>What is wrong with the photo itself (missing, corrupt, blank, wrong size), when something is.</summary>
    public ReportMessage? ImageProblem { get; init; }

    /// <summary>The photo could not be read at all: the report lists it as a failure and exits non-zero.</summary>
    public bool ImageUnreadable { get; init; }

    /// <summary>Why the record's own clock stamp says its times are not trustworthy, when it does.</summary>
    public ReportMessage? ClockProblem => Facts.ClockProblem;
}
