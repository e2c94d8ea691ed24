using System.Text.Json.Serialization;

namespace EdgeAgent.Procedure;

/// <summary>One step of a procedure: what moves the job into it, what is photographed and confirmed, how long it may take.</summary>
public sealed record ProcedureStep
{
    public required string Id { get; init; }

    /// <summary>Display names by language; <c>en</c> and <c>zh</c> are required.</summary>
    public Dictionary<string, string> Names { get; init; } = [];

    /// <summary>What moves the job into this step.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<StepAdvance>))]
    public StepAdvance AdvanceOn { get; init; } = StepAdvance.Manual;

    /// <summary>For <see cref="StepAdvance.Scan"/>: the .NET regular expression the scanned code must match.</summary>
    public string? ScanPattern { get; init; }

    /// <summary>For <see cref="StepAdvance.Timer"/>: seconds after entering the previous step.</summary>
    public int? AfterSeconds { get; init; }

    public StepCapture Capture { get; init; } = new();

    /// <summary>Confirmations the advancing trigger must carry: <c>badge</c> (an operator identified by badge or name).</summary>
    public IReadOnlyList<string> Confirm { get; init; } = [];

    /// <summary>The job may stay in this step at most this long before a <c>step-timed-out</c> finding.</summary>
    public int? TimeLimitSeconds { get; init; }

    /// <summary>This step is the zero-energy verification: unlocking before it is unsafe.</summary>
    public bool VerifiesZeroEnergy { get; init; }

    /// <summary>A complete job has this step with its photos (default true).</summary>
    public bool Required { get; init; } = true;

    public string Name(string language = "en") => Names.GetValueOrDefault(language) ?? Names.GetValueOrDefault("en") ?? Id;
}
