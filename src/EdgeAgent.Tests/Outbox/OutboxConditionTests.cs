using System.Text.Json.Nodes;
using EdgeAgent.Health;
using EdgeAgent.Tests.Health;

namespace EdgeAgent.Tests.Outbox;

public sealed class OutboxConditionTests
{
    [Fact]
    public async Task Evidence_over_its_quota_makes_the_agent_health_failing_with_an_outbox_problem()
    {
        await using var agent = await AgentHarness.BuildAsync(editConfig: c => c["Outbox"] = new JsonObject { ["EvidenceQuotaBytes"] = 4096 });
        var outbox = agent.Get<EvidenceOutbox>();

        await EvidenceFixtures.AppendAsync(outbox, 2, 4_000);
        var report = await agent.Get<HealthCollector>().CollectAsync();

        Assert.Equal(OutboxState.QuotaExceeded, outbox.Condition.State);
        Assert.Equal("failing", report.Status);
        Assert.Contains(report.Problems, p => p.StartsWith("outbox:", StringComparison.Ordinal) && p.Contains("nothing is dropped", StringComparison.Ordinal));
        Assert.Equal(2, report.Outbox.Depth);
    }
}
