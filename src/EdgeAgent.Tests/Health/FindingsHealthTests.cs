using System.Text.Json;
using EdgeAgent.Health;
using MQTTnet;

namespace EdgeAgent.Tests.Health;

public sealed class FindingsHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unlock_before_zero_energy_at_a_point_is_an_alert_on_the_broker_and_degrades_health()
    {
        await using var agent = await AgentHarness.BuildAsync();
        var alert = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Broker.Server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Alert("test-device") && e.ApplicationMessage.ConvertPayloadToString().Contains(FindingCodes.UnlockBeforeZeroEnergy, StringComparison.Ordinal))
            {
                alert.TrySetResult(e.ApplicationMessage);
            }

            return Task.CompletedTask;
        };
        await agent.StartAsync();
        await agent.UplinkOnline.WaitAsync(Patience);

        var time = TimeProvider.System;
        TriggerEvent T(TriggerKind kind, string input, string? step = null) =>
            new("conveyor-1", kind, "test", input, time.GetUtcNow(), time.GetTimestamp()) { StepId = step, Operator = "BADGE-0042" };
        await agent.App.Services.HandleTriggerAsync(T(TriggerKind.Manual, "button", "isolated"), CancellationToken.None);
        await agent.App.Services.HandleTriggerAsync(T(TriggerKind.LockOn, "lock-a"), CancellationToken.None);
        await agent.App.Services.HandleTriggerAsync(T(TriggerKind.LockOff, "lock-a"), CancellationToken.None);

        var message = await alert.Task.WaitAsync(Patience);
        using var json = JsonDocument.Parse(message.ConvertPayloadToString());
        Assert.Equal("conveyor-1", json.RootElement.GetProperty("point").GetString());
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);

        var report = await agent.Get<HealthCollector>().CollectAsync();
        Assert.NotEqual("ok", report.Status);
        Assert.NotNull(report.Findings);
        Assert.True(report.Findings.UnsafeRecent >= 1);
        var shown = Assert.Single(report.Findings.Recent, f => f.Code == FindingCodes.UnlockBeforeZeroEnergy);
        Assert.Equal("conveyor-1", shown.Point);
        Assert.True(shown.Unsafe);
        Assert.Contains(report.Problems, p => p.StartsWith("findings: ", StringComparison.Ordinal));

        using var table = new StringWriter();
        StatusTable.Write(table, report);
        Assert.Contains("!unlock-before-zero-energy", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("edgeagent_findings_unsafe_recent ", await PrometheusText.RenderAsync(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Unsafe_findings_count_for_an_hour_and_the_list_is_bounded_newest_first()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var log = new FindingLog();
        log.Report(new Finding(FindingCodes.StepTimedOut, "step 'locked' took too long", "p-1", "WO-1", "locked", time.GetUtcNow()));
        for (var i = 0; i < 30; i++)
        {
            log.Report(new Finding(FindingCodes.OutOfOrder, $"confirm {i} does not advance", "p-1", "WO-1", "locked", time.GetUtcNow().AddSeconds(i + 1)));
        }

        var now = FindingsHealth.From(log, time.GetUtcNow().AddMinutes(30));
        Assert.Equal(31, now.Total);
        Assert.Equal(1, now.UnsafeRecent);
        Assert.Equal(FindingsHealth.MaxRecent, now.Recent.Count);
        Assert.Equal("confirm 29 does not advance", now.Recent[0].Message);
        Assert.False(now.Recent[0].Unsafe); // out-of-order is published, but does not degrade health

        var later = FindingsHealth.From(log, time.GetUtcNow().AddMinutes(61));
        Assert.Equal(0, later.UnsafeRecent);
    }
}
