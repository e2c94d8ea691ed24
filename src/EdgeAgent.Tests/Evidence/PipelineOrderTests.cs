namespace EdgeAgent.Tests.Evidence;

/// <summary>
/// The trigger bus feeds the procedure stage, which feeds the capture stage, which feeds the evidence stage (issue 18):
/// triggers queued at once still become records in the order they were published, each trigger's records together.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PipelineOrderTests : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public async Task Triggers_queued_at_once_are_recorded_in_the_order_they_were_published()
    {
        await using var rig = await RecorderRig.StartAsync(dir.Path, AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1"));
        await rig.Services.StartStagesAsync();
        var bus = rig.Services.GetRequiredService<TriggerBus>();
        var edge = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // whole milliseconds, as a record states them
        TriggerEvent[] triggers =
        [
            RecorderRig.Trigger(TriggerKind.Manual, "button", "isolated") with { EdgeTime = edge },
            RecorderRig.Trigger(TriggerKind.LockOn, "lock-a") with { EdgeTime = edge.AddMilliseconds(1) },
            RecorderRig.Trigger(TriggerKind.Manual, "button", "zero-energy-verified") with { EdgeTime = edge.AddMilliseconds(2) },
            RecorderRig.Trigger(TriggerKind.Manual, "button", "area-cleared") with { EdgeTime = edge.AddMilliseconds(3) },
        ];

        // All on the bus before the first is recorded: the stages, not the test, keep them apart.
        var handled = triggers.Select(t => bus.PublishAndWaitAsync(t)).ToList();
        var outcomes = await Task.WhenAll(handled).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.All(outcomes, o => Assert.NotEmpty(o.RecordIds));
        Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared"], outcomes.Select(o => o.StepId));

        // Ground truth from the stored rows, in chain order: each trigger's records together, the triggers in publication order.
        var rows = await rig.Outbox.PeekAsync(100);
        Assert.Equal(outcomes.SelectMany(o => o.RecordIds), rows.Select(r => r.RecordId));
        var stored = rows.Select(r => EvidenceRecord.FromJson(r.Record)).ToList();
        Assert.Equal(stored.Select(r => r.Trigger.EdgeTime).Order(), stored.Select(r => r.Trigger.EdgeTime));
        Assert.Equal(triggers.Select(t => t.EdgeTime), stored.Select(r => r.Trigger.EdgeTime).Distinct());
    }

    public void Dispose() => dir.Dispose();
}
