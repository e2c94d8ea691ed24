
namespace EdgeAgent.Doctor;

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}
