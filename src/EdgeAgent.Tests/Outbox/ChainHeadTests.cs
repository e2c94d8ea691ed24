namespace EdgeAgent.Tests.Outbox;

/// <summary>The chain head beside the key: survives a torn write, and makes a deleted outbox a detected loss.</summary>
public sealed class ChainHeadTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void A_torn_write_of_the_newest_slot_falls_back_to_the_head_before_it()
    {
        using (var head = ChainHead.Open(temp.Path))
        {
            for (var sequence = 1; sequence <= 5; sequence++)
            {
                head.Advance(sequence, new string((char)('a' + sequence), 64));
            }
        }

        // Sequence 5 lives in slot 1 (bytes 128-255): tear it half-way.
        using (var file = new FileStream(Path.Combine(temp.Path, ChainHead.FileName), FileMode.Open, FileAccess.Write))
        {
            file.Position = 128 + 40;
            file.Write(new byte[20]);
        }

        using var reopened = ChainHead.Open(temp.Path);
        Assert.Equal(4, reopened.Sequence);
        Assert.Equal(new string('e', 64), reopened.Hash);
        Assert.False(reopened.WasUnreadable);
    }

    [Fact]
    public async Task A_deleted_outbox_is_state_lost_and_the_sequence_continues_after_the_head()
    {
        var path = temp.Combine("outbox.db");
        using (var outbox = EvidenceOutbox.Open(path))
        {
            await EvidenceFixtures.AppendAsync(outbox, 3, 1000);
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        using var fresh = EvidenceOutbox.Open(path);
        var loss = Assert.IsType<StateLoss>(fresh.Condition.StateLost);
        Assert.Equal((1, 3), (loss.From, loss.To));
        var image = EvidenceFixtures.Image(1000);
        var next = await EvidenceFixtures.AppendChainedAsync(fresh, (seq, prev) => EvidenceFixtures.Record(seq, image) with { PrevHash = prev }, image);
        Assert.Equal(4, next.Sequence);
    }

    public void Dispose() => temp.Dispose();
}
