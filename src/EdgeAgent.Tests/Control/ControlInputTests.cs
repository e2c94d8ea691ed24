using System.Text;

namespace EdgeAgent.Tests.Control;

/// <summary>The control socket answers malformed JSON with an error, never silence and never "last member wins".</summary>
public sealed class ControlInputTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Trigger_with_duplicate_members_or_invalid_utf8_is_refused_with_an_error_and_records_nothing()
    {
        var state = temp.Combine("state");
        using var agent = await AgentProcess.StartAsync(AgentConfig.Write(temp.Path, AgentConfig.Baseline(state, "mqtt://127.0.0.1:1")), Path.Combine(state, "control.sock"));

        var duplicate = await agent.PostTriggerBytesAsync(Encoding.UTF8.GetBytes("""{"point":"conveyor-1","step":"isolated","step":"restored"}"""));
        Assert.Equal(400, duplicate.Status);
        Assert.Contains("duplicate", duplicate.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("step", duplicate.Body, StringComparison.Ordinal);

        byte[] invalid = [.. "{\"point\":\"conveyor-1\",\"step\":\"iso"u8, 0xC3, 0x28, .. "\"}"u8];
        var garbled = await agent.PostTriggerBytesAsync(invalid);
        Assert.Equal(400, garbled.Status);
        Assert.Contains("UTF-8", garbled.Body, StringComparison.Ordinal);

        var health = await agent.WaitForHealthAsync(_ => true, TimeSpan.FromSeconds(30));
        Assert.Equal(0, health.GetProperty("outbox").GetProperty("depth").GetInt64());
    }

    public void Dispose() => temp.Dispose();
}
