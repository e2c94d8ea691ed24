using EdgeAgent.Configuration;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Procedure;

/// <summary>
/// At start, compares the locks each point remembers (persisted state) with what the lock inputs read now.
/// A lock that went on or came off while the agent was down becomes a trigger now (source <c>startup</c>), so
/// the job follows reality, and an <c>input-changed-while-down</c> finding says its time is the discovery time.
/// Runs after <see cref="LockInputService"/> has read every line.
/// </summary>
public sealed partial class LockReconciliationService(
    IOptions<EdgeAgentOptions> options,
    ProcedureRegistry procedures,
    LockInputService inputs,
    TriggerBus bus,
    TimeProvider timeProvider,
    ILogger<LockReconciliationService> logger) : IHostedService
{
    public const string Source = "startup";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var now = inputs.Locked;
        foreach (var input in options.Value.Inputs)
        {
            if (!now.TryGetValue(input.Id, out var locked))
            {
                continue;
            }

            var remembered = procedures.Get(input.Point).Procedure.LocksOn.Contains(input.Id);
            if (locked == remembered)
            {
                continue;
            }

            Log.Changed(logger, input.Id, input.Point, locked ? "locked" : "unlocked");
            bus.Publish(new TriggerEvent(input.Point, locked ? TriggerKind.LockOn : TriggerKind.LockOff, Source, input.Id, timeProvider.GetUtcNow(), timeProvider.GetTimestamp()));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Input {InputId} at {PointId} is {State} now but was not when the agent stopped; recording it")]
        public static partial void Changed(ILogger logger, string inputId, string pointId, string state);
    }
}
