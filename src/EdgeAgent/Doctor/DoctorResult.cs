
namespace EdgeAgent.Doctor;

/// <summary>One line of the doctor's report: what was checked, the outcome, what was seen and how to fix it.</summary>
public sealed record DoctorResult(string Check, DoctorOutcome Outcome, string Detail, string? Fix = null)
{
    public static DoctorResult Pass(string check, string detail) => new(check, DoctorOutcome.Pass, detail);

    public static DoctorResult Warn(string check, string detail, string fix) => new(check, DoctorOutcome.Warn, detail, fix);

    public static DoctorResult Fail(string check, string detail, string fix) => new(check, DoctorOutcome.Fail, detail, fix);
}
