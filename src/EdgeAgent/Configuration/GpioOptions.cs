namespace EdgeAgent.Configuration;

public sealed class GpioOptions
{
    /// <summary><c>libgpiod</c> on real boards; <c>simulated</c> for demos and tests (driven through the control socket).</summary>
    [System.ComponentModel.DataAnnotations.AllowedValues("libgpiod", "simulated", ErrorMessage = "must be \"libgpiod\" or \"simulated\"")]
    public string Driver { get; set; } = "libgpiod";
}
