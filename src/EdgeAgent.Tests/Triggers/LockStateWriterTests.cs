using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Tests.Triggers;

public sealed class LockStateWriterTests
{
    [Fact]
    public void Snapshots_requested_in_a_burst_end_with_the_newest_on_disk()
    {
        using var dir = new TempDirectory();
        var store = new LockStateStore(dir.Path, TimeProvider.System, NullLogger.Instance);
        var writer = new LockStateWriter(store);

        for (var i = 0; i < 200; i++)
        {
            writer.Request(new Dictionary<string, bool> { ["lock-a"] = i % 2 == 0, ["n"] = i == 199 });
        }

        writer.Flush();

        Assert.Equal(new Dictionary<string, bool> { ["lock-a"] = false, ["n"] = true }, store.Load());
    }

    [Fact]
    public void Flush_with_nothing_requested_returns_at_once()
    {
        using var dir = new TempDirectory();
        new LockStateWriter(new LockStateStore(dir.Path, TimeProvider.System, NullLogger.Instance)).Flush();

        Assert.False(File.Exists(Path.Combine(dir.Path, LockStateStore.FileName)));
    }
}
