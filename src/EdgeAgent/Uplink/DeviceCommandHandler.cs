using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Uplink;

/// <summary>
/// The default command handler: capture-now and snapshot become <see cref="TriggerKind.Command"/> triggers on
/// the <see cref="TriggerBus"/> (answered once their records are on disk); status reports outbox and points;
/// work orders go to an <see cref="IWorkOrderControl"/> when one is registered.
/// </summary>
public sealed class DeviceCommandHandler(
    IOptions<EdgeAgentOptions> options,
    TriggerBus bus,
    EvidenceOutbox outbox,
    ProcedureRegistry procedures,
    TimeProvider timeProvider,
    IServiceProvider services) : ICommandHandler
{
    private static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(30);

    public async Task<CommandResult> HandleAsync(DeviceCommand command, CancellationToken cancellationToken = default)
    {
        if (command.Name == DeviceCommand.Status)
        {
            return await StatusAsync(cancellationToken);
        }

        var point = command.Point ?? (options.Value.Points.Count == 1 ? options.Value.Points[0].Id : null);
        if (point is null || options.Value.Points.All(p => p.Id != point))
        {
            return CommandResult.Failure($"field 'point' must name a configured point: {string.Join(", ", options.Value.Points.Select(p => p.Id))}");
        }

        switch (command.Name)
        {
            case DeviceCommand.CaptureNow or DeviceCommand.Snapshot:
                var trigger = new TriggerEvent(point, TriggerKind.Command, "mqtt", command.Name == DeviceCommand.Snapshot ? "snapshot" : command.Requester ?? "mqtt-command", timeProvider.GetUtcNow(), timeProvider.GetTimestamp())
                {
                    StepId = command.Name == DeviceCommand.CaptureNow ? command.Step : null,
                    Operator = command.Operator,
                };
                var outcome = await bus.PublishAndWaitAsync(trigger, cancellationToken).WaitAsync(CaptureTimeout, timeProvider, cancellationToken);
                return CommandResult.Success(new { point = outcome.PointId, step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings });
            case DeviceCommand.StartWorkOrder or DeviceCommand.AbortWorkOrder:
                var control = services.GetService<IWorkOrderControl>();
                if (control is null)
                {
                    return CommandResult.Failure($"{command.Name} is not available on this device (no work-order control); nothing was changed");
                }

                var error = command.Name == DeviceCommand.StartWorkOrder
                    ? await control.StartAsync(point, command.WorkOrder!, command.Operator, cancellationToken)
                    : await control.AbortAsync(point, command.Reason, cancellationToken);
                return error is null ? CommandResult.Success(new { point, workOrder = command.WorkOrder }) : CommandResult.Failure(error);
            default:
                return CommandResult.Failure($"unknown command '{command.Name}'");
        }
    }

    private async Task<CommandResult> StatusAsync(CancellationToken cancellationToken)
    {
        var (count, bytes, oldest) = await outbox.StatsAsync(cancellationToken);
        return CommandResult.Success(new
        {
            device = options.Value.DeviceId,
            site = options.Value.SiteId,
            outbox = new { records = count, bytes, oldest, state = outbox.Health.State.ToString(), detail = outbox.Health.Detail },
            points = procedures.All.Select(p => new { id = p.Options.Id, workOrder = p.Procedure.WorkOrderId, step = p.Procedure.CurrentStep?.Id }),
        });
    }
}
