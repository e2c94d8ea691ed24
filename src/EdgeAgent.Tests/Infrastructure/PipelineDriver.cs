using EdgeAgent.Evidence;

namespace EdgeAgent.Tests.Infrastructure;

/// <summary>
/// Drives one trigger through the real stages of an agent built without a host: starts the capture and evidence
/// stages' readers once (as the host would), then hands the trigger to the procedure stage and returns its outcome,
/// or throws its failure, as <see cref="ProcedureStage.HandleAsync"/> does.
/// </summary>
internal static class PipelineDriver
{
    /// <summary>Starts all three stages' readers (procedure, capture, evidence), as the host would: triggers published on the bus are then recorded.</summary>
    public static async Task StartStagesAsync(this IServiceProvider services)
    {
        foreach (var stage in new Microsoft.Extensions.Hosting.BackgroundService[] { services.GetRequiredService<EvidenceRecorder>(), services.GetRequiredService<CaptureStage>(), services.GetRequiredService<ProcedureStage>() })
        {
            if (stage.ExecuteTask is null)
            {
                await stage.StartAsync(CancellationToken.None);
            }
        }
    }

    public static async Task<TriggerOutcome> HandleTriggerAsync(this IServiceProvider services, TriggerEvent trigger, CancellationToken cancellationToken = default)
    {
        foreach (var stage in new Microsoft.Extensions.Hosting.BackgroundService[] { services.GetRequiredService<CaptureStage>(), services.GetRequiredService<EvidenceRecorder>() })
        {
            if (stage.ExecuteTask is null)
            {
                await stage.StartAsync(CancellationToken.None);
            }
        }

        return await services.GetRequiredService<ProcedureStage>().HandleAsync(trigger, cancellationToken);
    }
}
