namespace EdgeAgent.Health;

/// <summary>CPU temperature: above <see cref="HotCelsius"/> is a problem.</summary>
public sealed class ThermalHealthContributor(IThermalProbe thermal) : IHealthContributor
{
    public const double HotCelsius = 80;

    public ValueTask ContributeAsync(HealthReportBuilder report, CancellationToken cancellationToken = default)
    {
        var temperature = thermal.ReadCelsius();
        if (temperature > HotCelsius)
        {
            report.AddProblem($"cpu: {temperature:0} °C");
        }

        report.CpuTemperatureC = temperature;
        return ValueTask.CompletedTask;
    }
}
