namespace EdgeAgent.Health;

/// <summary>CPU temperature in °C where the board has a sensor, else null.</summary>
public interface IThermalProbe
{
    double? ReadCelsius();
}
