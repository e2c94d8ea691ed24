using EdgeAgent.Evidence;

namespace EdgeAgent.Reporting;

/// <summary>One stored record as the report shows it: the record, its files and its verification.</summary>
public sealed record ReportEntry(EvidenceRecord Record, string JsonPath, string ImagePath, RecordCheck Check)
{
    /// <summary>Thumbnail path relative to the report directory; null when the image could not be decoded.</summary>
    public string? Thumbnail { get; init; }

    /// <summary>What is wrong with the photo itself (undecodable, blank, wrong size), when something is.</summary>
    public string? ImageProblem { get; init; }

    /// <summary>Why the record's own clock stamp says its times are not trustworthy, when it does.</summary>
    public string? ClockProblem { get; init; }
}
