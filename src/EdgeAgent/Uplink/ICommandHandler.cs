namespace EdgeAgent.Uplink;

/// <summary>
/// Carries out a validated <see cref="DeviceCommand"/>. The default, <see cref="DeviceCommandHandler"/>,
/// turns capture commands into triggers; other components replace or decorate it through DI.
/// </summary>
public interface ICommandHandler
{
    Task<CommandResult> HandleAsync(DeviceCommand command, CancellationToken cancellationToken = default);
}
