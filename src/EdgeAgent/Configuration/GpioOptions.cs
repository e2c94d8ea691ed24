namespace EdgeAgent.Configuration;

public sealed class GpioOptions
{
    /// <summary><c>libgpiod</c> on real boards; <c>simulated</c> for demos and tests (driven through the control socket).</summary>
    [System.ComponentModel.DataAnnotations.AllowedValues("libgpiod", "simulated", ErrorMessage = "{0} must be \"libgpiod\" or \"simulated\"")]
    public string Driver { get; set; } = "libgpiod";

    /// <summary>A line with more than this many edges within <see cref="ChatterWindowMs"/> is quarantined as faulty.</summary>
    [System.ComponentModel.DataAnnotations.Range(2, 100000)]
    public int ChatterMaxEdges { get; set; } = 20;

    /// <summary>Sliding window for counting edges, in milliseconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(10, 3600000)]
    public int ChatterWindowMs { get; set; } = 2000;

    /// <summary>A quarantined line must stay quiet (no edge) this long before it fires captures again.</summary>
    [System.ComponentModel.DataAnnotations.Range(10, 3600000)]
    public int ChatterQuietMs { get; set; } = 10000;
}
