namespace EdgeAgent.Cli;

/// <summary>Process exit codes, following sysexits.h where one fits (README, docs/operations.md).</summary>
public static class ExitCodes
{
    /// <summary>The thing asked for happened (for <c>status</c>: every component ok).</summary>
    public const int Ok = 0;

    /// <summary>It did not happen, or (for <c>status</c>) a component is failing: a camera, the disk, the outbox, the pipeline.</summary>
    public const int Failure = 1;

    /// <summary><c>status</c> only: nothing is failing but something needs attention (broker down, disk low, unsafe findings).</summary>
    public const int Degraded = 2;

    /// <summary><c>status</c> only: everything works but the clock is not synchronised, so evidence timestamps are marked untrusted.</summary>
    public const int ClockUntrusted = 3;

    /// <summary>EX_USAGE: an unknown command, option, point, step, input, state or camera; a missing argument.</summary>
    public const int Usage = 64;

    /// <summary>EX_UNAVAILABLE: no agent answers on the control socket, or the broker cannot be reached.</summary>
    public const int Unavailable = 69;

    /// <summary>EX_CONFIG: the configuration file is missing, not JSON, or names unknown keys or bad values.</summary>
    public const int Config = 78;
}
