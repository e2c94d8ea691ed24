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
            writer.Request(new Dictionary<string, bool> { ["lock-a"] = i % 2 == 0, ["n"] = i == 199 }, TimeProvider.System.GetUtcNow());
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

    [Fact]
    public void Lock_state_is_written_without_reading_the_clock_on_the_writer_thread()
    {
        using var harness = new LockInputHarness(LockInputHarness.Input("lock-a", 17));
        harness.Start();

        for (var i = 0; i < 4; i++)
        {
            harness.Set("lock-a", i % 2 == 0);
            harness.Advance(50);
        }

        // Wait on another thread, so no write can be inlined onto this one: every write then runs off the test thread.
        var flusher = new Thread(harness.Service.FlushState);
        flusher.Start();
        flusher.Join();

        Assert.Equal(4, harness.Drain().Count);
        Assert.Equal(0, harness.Time.ForeignReads); // a foreign read can run the debounce timer there, late
    }
}
