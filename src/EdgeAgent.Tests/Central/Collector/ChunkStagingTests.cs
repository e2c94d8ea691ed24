namespace EdgeAgent.Tests.Central.Collector;

/// <summary>Issue 14, attack 6: staging was bounded by bytes only, in all; now also by count and age, per device.</summary>
public sealed class ChunkStagingTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    private ChunkStaging Staging(long maxPending = 1024L * 1024 * 1024, long perDevice = 256L * 1024 * 1024, int images = 128) =>
        ChunkStaging.Open(temp.Combine("store"), new CollectorOptions { Broker = new BrokerOptions { Url = "mqtt://127.0.0.1:1" }, OutputDirectory = temp.Combine("store"), MaxPendingBytes = maxPending, MaxPendingBytesPerDevice = perDevice, MaxPendingImagesPerDevice = images }, time);

    [Fact]
    public void Five_thousand_empty_chunks_with_distinct_record_ids_stage_only_the_per_device_count()
    {
        var staging = Staging();

        var refusals = Enumerable.Range(0, 5_000).Select(_ => staging.Add("flooder", Guid.NewGuid(), 0, 1, [])).Where(r => r is not null).ToList();

        Assert.Equal(128, staging.PendingImages);
        Assert.Equal(128, Directory.EnumerateDirectories(temp.Combine("store/.staging/flooder")).Count());
        Assert.Equal(5_000 - 128, refusals.Count);
        Assert.All(refusals, r => Assert.False(r!.Permanent)); // over quota, not poison: the device resends
    }

    [Fact]
    public void A_device_at_its_quota_does_not_stop_another_device_from_staging()
    {
        var staging = Staging(perDevice: 64 * 1024, images: 10);
        for (var i = 0; i < 50; i++)
        {
            staging.Add("flooder", Guid.NewGuid(), 0, 2, new byte[4096]);
        }

        var honest = Guid.NewGuid();
        Assert.Null(staging.Add("honest", honest, 0, 2, new byte[4096]));
        Assert.Null(staging.Add("honest", honest, 1, 2, new byte[4096]));
        Assert.Equal(8192, staging.TryAssemble("honest", honest)!.Length);
        Assert.Equal(11, staging.PendingImages);
    }

    [Fact]
    public void A_device_over_its_byte_share_is_refused_before_the_disk_is_touched()
    {
        var staging = Staging(perDevice: 16 * 1024);
        var id = Guid.NewGuid();
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(staging.Add("big", id, i, 8, new byte[4096]));
        }

        var refusal = staging.Add("big", id, 4, 8, new byte[4096]);

        Assert.Contains("limit per device is 16384", refusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(16 * 1024, staging.StagedBytes);
        Assert.Equal(4, Directory.EnumerateFiles(temp.Combine("store/.staging"), "*.part", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public void Partial_images_left_for_longer_than_the_age_limit_are_dropped_and_make_room()
    {
        var staging = Staging(images: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(staging.Add("dev", Guid.NewGuid(), 0, 2, new byte[100]));
        }

        Assert.NotNull(staging.Add("dev", Guid.NewGuid(), 0, 2, new byte[100]));
        time.Advance(TimeSpan.FromMinutes(61));

        Assert.Null(staging.Add("dev", Guid.NewGuid(), 0, 2, new byte[100]));
        Assert.Equal(1, staging.PendingImages);
        Assert.Equal(100, staging.StagedBytes);
    }

    [Fact]
    public void Past_the_total_the_device_holding_most_loses_its_oldest_image_first()
    {
        var staging = Staging(maxPending: 40 * 1024);
        var oldest = Guid.NewGuid();
        staging.Add("big", oldest, 0, 2, new byte[16 * 1024]);
        time.Advance(TimeSpan.FromSeconds(1));
        staging.Add("big", Guid.NewGuid(), 0, 2, new byte[16 * 1024]);
        time.Advance(TimeSpan.FromSeconds(1));
        var small = Guid.NewGuid();

        Assert.Null(staging.Add("small", small, 0, 2, new byte[12 * 1024]));

        Assert.Null(staging.Missing("big", oldest)); // evicted
        Assert.NotNull(staging.Missing("small", small));
        Assert.InRange(staging.StagedBytes, 0, 40 * 1024);
    }

    [Fact]
    public void A_restart_counts_what_is_already_staged_against_the_quotas()
    {
        var first = Staging(images: 5);
        for (var i = 0; i < 5; i++)
        {
            first.Add("dev.1", Guid.NewGuid(), 0, 2, new byte[10]);
        }

        var second = Staging(images: 5);

        Assert.Equal(5, second.PendingImages);
        Assert.NotNull(second.Add("dev.1", Guid.NewGuid(), 0, 2, new byte[10]));
    }

    [Fact]
    public void Images_another_collector_took_from_the_shared_staging_stop_counting_against_this_ones_quotas()
    {
        // Two collectors on a shared subscription, one store: A gets a device's chunks, B its records, and B stores
        // each record and discards its chunks. A must not go on counting them (it refused the device's 11th chunk).
        var a = Staging(perDevice: 8 * 1024, images: 10);
        var b = Staging(perDevice: 8 * 1024, images: 10);
        for (var i = 0; i < 50; i++)
        {
            var id = Guid.NewGuid();
            Assert.Null(a.Add("dev", id, 0, 1, new byte[1024]));
            Assert.Equal(1024, b.TryAssemble("dev", id)!.Length);
            b.Discard("dev", id);
        }

        Assert.InRange(a.PendingImages, 1, 10);
        Assert.InRange(a.StagedBytes, 1024, 8 * 1024);
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("store/.staging"), "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_held_chunk_keeps_the_array_handed_over_and_copies_one_that_is_not()
    {
        var staging = Staging();
        var (owned, borrowed) = (Guid.NewGuid(), Guid.NewGuid());
        var payload = new byte[4096];
        var other = new byte[4096];
        payload[0] = 1;
        other[0] = 2;

        Assert.Null(staging.Add("dev", owned, 0, 1, payload, hold: true, owned: payload));
        Assert.Null(staging.Add("dev", borrowed, 0, 1, other.AsSpan(), hold: true, owned: payload)); // not the same bytes: copied

        Assert.Same(payload, staging.TryAssemble("dev", owned)); // an image of one held chunk is that chunk's array
        var copied = staging.TryAssemble("dev", borrowed)!;
        Assert.NotSame(other, copied);
        Assert.Equal(2, copied[0]);
    }

    public void Dispose() => temp.Dispose();
}
