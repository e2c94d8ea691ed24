namespace EdgeAgent.Uplink;

/// <summary>Used when no <see cref="ICommandHandler"/> is given: every command is refused, nothing changes.</summary>
internal sealed class NoCommands : ICommandHandler
{
    public Task<CommandResult> HandleAsync(DeviceCommand command, CancellationToken cancellationToken = default) =>
        Task.FromResult(CommandResult.Failure("this agent takes no commands"));
}
