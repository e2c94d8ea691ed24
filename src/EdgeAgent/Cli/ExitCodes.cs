namespace EdgeAgent.Cli;

/// <summary>Process exit codes, following sysexits.h where one fits.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 64;
    public const int Unavailable = 69;
    public const int Config = 78;
}
