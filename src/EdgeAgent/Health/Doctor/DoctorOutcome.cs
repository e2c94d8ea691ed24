namespace EdgeAgent.Health.Doctor;

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}
