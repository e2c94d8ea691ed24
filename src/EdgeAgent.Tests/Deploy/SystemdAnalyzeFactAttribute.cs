namespace EdgeAgent.Tests.Deploy;

/// <summary>A fact that needs <c>systemd-analyze</c> (Debian package <c>systemd</c>; it works without systemd as PID 1).</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/systemd-analyze";

    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = "systemd-analyze is not installed (apt-get install systemd); unit files were not verified";
        }
    }
}
