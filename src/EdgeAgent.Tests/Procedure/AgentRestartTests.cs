using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Procedure;

/// <summary>The whole agent is stopped in the middle of a job and a new one continues it (broker unreachable: records stay in the outbox).</summary>
public sealed class AgentRestartTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Restarted_agent_continues_the_job_at_the_same_step_and_the_chain_verifies_across_the_restart()
    {
        using var dir = new TempDirectory();
        var baseline = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        baseline["Inputs"] = new System.Text.Json.Nodes.JsonArray(); // locks arrive as triggers here; no GPIO line to reconcile with
        var config = AgentConfig.Write(dir.Path, baseline);

        string? job;
        await using (var first = await StartAsync(config))
        {
            await TriggerAsync(first, TriggerKind.Manual, "isolated");
            await TriggerAsync(first, TriggerKind.LockOn, null);
            await TriggerAsync(first, TriggerKind.Manual, "zero-energy-verified");
            job = first.Services.GetRequiredService<ProcedureRegistry>().Get("conveyor-1").Procedure.WorkOrderId;
            await first.StopAsync();
        }

        await using var second = await StartAsync(config);
        var point = second.Services.GetRequiredService<ProcedureRegistry>().Get("conveyor-1").Procedure;
        Assert.Equal((job, "zero-energy-verified"), (point.WorkOrderId, point.CurrentStep?.Id));
        Assert.Equal(["lock-a"], point.LocksOn);

        var cleared = await TriggerAsync(second, TriggerKind.Manual, "area-cleared");
        await TriggerAsync(second, TriggerKind.LockOff, null);
        await TriggerAsync(second, TriggerKind.Manual, "restored");
        Assert.Empty(cleared.Findings);

        var items = await second.Services.GetRequiredService<EvidenceOutbox>().PeekAsync(100);
        var records = items.Select(i => EvidenceRecord.FromJson(i.Record)).ToList();
        Assert.Equal([1L, 2, 3, 4, 5, 6], records.Select(r => r.Sequence));
        Assert.All(records, r => Assert.Equal(job, r.WorkOrder.Id));
        Assert.Equal("completed", records[^1].WorkOrder.Status);

        var store = new EvidenceStore(dir.Combine("collector"));
        foreach (var item in items)
        {
            store.Store(EvidenceRecord.FromJson(item.Record), item.Record, item.Image);
        }

        using var keys = new EnrolledKeys();
        keys.Add("test-device", DeviceKey.ImportPublicKey(second.Services.GetRequiredService<DeviceKey>().PublicKeyPem));
        var report = EvidenceVerifier.Verify(store.Root, keys, ProcedureFixture.Templates);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        await second.StopAsync();
    }

    private static async Task<WebApplication> StartAsync(string config)
    {
        var app = AgentHost.Build(ConfigLoader.Build(config), configureLogging: l => l.ClearProviders());
        await app.StartAsync().WaitAsync(Bound);
        return app;
    }

    private static Task<TriggerOutcome> TriggerAsync(WebApplication app, TriggerKind kind, string? step)
    {
        var time = TimeProvider.System;
        var trigger = new TriggerEvent("conveyor-1", kind, "test", kind == TriggerKind.Manual ? "button" : "lock-a", time.GetUtcNow(), time.GetTimestamp())
        {
            StepId = step,
            Operator = "BADGE-0042",
        };
        return app.Services.GetRequiredService<TriggerBus>().PublishAndWaitAsync(trigger).WaitAsync(Bound);
    }
}
