namespace EdgeAgent.Uplink;

/// <summary>
/// Carries out a validated <see cref="DeviceCommand"/>. The default, <see cref="DeviceCommandHandler"/>,
/// turns capture commands into triggers; other components replace or decorate it through DI.
/// </summary>
public interface ICommandHandler
{
    Task<CommandResult> HandleAsync(DeviceCommand command, CancellationToken cancellationToken = default);
}

/// <summary>
/// Opens and aborts work orders on behalf of a remote command. Implemented by the procedure code; when no
/// implementation is registered, those commands are refused and change nothing.
/// </summary>
public interface IWorkOrderControl
{
    /// <summary>Opens <paramref name="workOrderId"/> at the point; returns an error text when it cannot.</summary>
    Task<string?> StartAsync(string pointId, string workOrderId, string? operatorName, CancellationToken cancellationToken = default);

    /// <summary>Aborts the open work order at the point; returns an error text when there is none.</summary>
    Task<string?> AbortAsync(string pointId, string? reason, CancellationToken cancellationToken = default);
}

/// <summary>The answer to a command: success with a JSON-serialisable result, or an error text.</summary>
public sealed record CommandResult(bool Ok, object? Result, string? Error)
{
    public static CommandResult Success(object? result = null) => new(true, result, null);

    public static CommandResult Failure(string error) => new(false, null, error);
}
