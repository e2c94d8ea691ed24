namespace EdgeAgent.Tests.Infrastructure;

/// <summary>A fact that needs root, e.g. to mount a tmpfs; skipped with the reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to mount a tmpfs (run the tests as root, as CI does)";
        }
    }
}
