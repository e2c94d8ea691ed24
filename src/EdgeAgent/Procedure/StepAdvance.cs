using System.Text.Json.Serialization;

namespace EdgeAgent.Procedure;

/// <summary>What moves a job into a step.</summary>
public enum StepAdvance
{
    /// <summary>A person confirms it (button, control socket, or a command naming the step).</summary>
    [JsonStringEnumMemberName("manual")]
    Manual,

    /// <summary>A personal lock goes on.</summary>
    [JsonStringEnumMemberName("lock-on")]
    LockOn,

    /// <summary>The last lock at the point comes off.</summary>
    [JsonStringEnumMemberName("last-lock-off")]
    LastLockOff,

    /// <summary>A code matching the step's <c>scanPattern</c> is scanned.</summary>
    [JsonStringEnumMemberName("scan")]
    Scan,

    /// <summary>The central system commands it.</summary>
    [JsonStringEnumMemberName("command")]
    Command,

    /// <summary><c>afterSeconds</c> after the previous step was entered.</summary>
    [JsonStringEnumMemberName("timer")]
    Timer,
}
