using EdgeAgent.Configuration;
using EdgeAgent.Outbox;
using EdgeAgent.Procedure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Uplink;

/// <summary>
/// The default command handler: capture-now and snapshot become <see cref="TriggerKind.Command"/> triggers on
/// the <see cref="TriggerBus"/>, and so do work orders (a command trigger carrying the work-order id opens a job, one
/// carrying an abort reason aborts it; the procedure decides). Each is answered once its records are on disk.
/// Status reports outbox and points. Starting over an open job or aborting none is refused and changes nothing.
/// </summary>
public sealed class DeviceCommandHandler(
    IOptions<EdgeAgentOptions> options,
    TriggerBus bus,
    EvidenceOutbox outbox,
    ProcedureRegistry procedures,
    TimeProvider timeProvider) : ICommandHandler
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

        var open = procedures.Get(point).Procedure.WorkOrderId;
        var requester = command.Requester ?? "mqtt-command";
        TriggerEvent trigger;
        switch (command.Name)
        {
            case DeviceCommand.CaptureNow:
                trigger = Trigger(point, requester) with { StepId = command.Step, Operator = command.Operator };
                break;
            case DeviceCommand.Snapshot:
                trigger = Trigger(point, "snapshot") with { Operator = command.Operator };
                break;
            case DeviceCommand.StartWorkOrder when open is not null:
                return CommandResult.Failure($"point '{point}' already has work order '{open}' open; abort it first. Nothing was changed");
            case DeviceCommand.StartWorkOrder:
                trigger = Trigger(point, requester) with { WorkOrderId = command.WorkOrder, Operator = command.Operator };
                break;
            case DeviceCommand.AbortWorkOrder when open is null:
                return CommandResult.Failure($"point '{point}' has no open work order; nothing was changed");
            case DeviceCommand.AbortWorkOrder:
                trigger = Trigger(point, requester) with { AbortReason = command.Reason ?? $"aborted by remote command from {requester}", Operator = command.Operator };
                break;
            default:
                return CommandResult.Failure($"unknown command '{command.Name}'");
        }

        // Answered once the trigger's records are durably in the outbox.
        var outcome = await bus.PublishAndWaitAsync(trigger, cancellationToken).WaitAsync(CaptureTimeout, timeProvider, cancellationToken);
        var result = new { point = outcome.PointId, workOrder = procedures.Get(point).Procedure.WorkOrderId ?? command.WorkOrder ?? (command.Name == DeviceCommand.AbortWorkOrder ? open : null), step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings };
        return outcome.Ok
            ? CommandResult.Success(result)
            : new CommandResult(false, result, $"no photo produced after the trigger from camera {string.Join(", ", outcome.CamerasWithoutPhoto)}; a late photo will be taken when it delivers one");
    }

    private TriggerEvent Trigger(string point, string input) =>
        new(point, TriggerKind.Command, "mqtt", input, timeProvider.GetUtcNow(), timeProvider.GetTimestamp());

    private async Task<CommandResult> StatusAsync(CancellationToken cancellationToken)
    {
        var (count, bytes, oldest) = await outbox.StatsAsync(cancellationToken);
        return CommandResult.Success(new
        {
            device = options.Value.DeviceId,
            site = options.Value.SiteId,
            outbox = new { records = count, bytes, oldest, state = outbox.Condition.State.ToString(), detail = outbox.Condition.Detail },
            points = procedures.All.Select(p => new { id = p.Options.Id, workOrder = p.Procedure.WorkOrderId, step = p.Procedure.CurrentStep?.Id }),
        });
    }
}
