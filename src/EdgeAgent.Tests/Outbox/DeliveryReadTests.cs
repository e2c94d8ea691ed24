using System.Buffers;

namespace EdgeAgent.Tests.Outbox;

/// <summary>
/// <see cref="EvidenceOutbox.ReadForDeliveryAsync(long, int, CancellationToken)"/>: the records after a sequence, in order, each image read into a
/// pooled buffer byte for byte as stored; a buffer goes back to the pool once, however often it is returned.
/// </summary>
public sealed class DeliveryReadTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Reads_the_records_after_a_sequence_in_order_with_their_images_as_stored()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        var images = new List<byte[]>();
        foreach (var size in new[] { 3_000, 70_000, 1, 200_000, 4_096 })
        {
            var image = size == 1 ? [0x42] : EvidenceFixtures.Image(size);
            images.Add(image);
            await EvidenceFixtures.AppendChainedAsync(outbox, (seq, prevHash) => EvidenceFixtures.Record(seq, image) with { PrevHash = prevHash }, image);
        }

        var read = await outbox.ReadForDeliveryAsync(1, 3);
        var peeked = await outbox.PeekAfterAsync(1, 3);

        Assert.Equal([2L, 3, 4], read.Select(i => i.Sequence));
        Assert.Equal(peeked.Select(p => p.RecordId), read.Select(i => i.RecordId));
        Assert.Equal(peeked.Select(p => p.Record), read.Select(i => i.Record));
        Assert.Equal(images[1..4].Select(i => i.Length), read.Select(i => i.ImageLength));
        foreach (var (item, image) in read.Zip(images[1..4]))
        {
            Assert.Equal(image, item.Image.ToArray());
            Assert.True(item.HeldBytes >= item.ImageLength);
            item.Return();
        }

        Assert.Empty(await outbox.ReadForDeliveryAsync(5, 8));
    }

    [Fact]
    public async Task Reads_the_records_with_given_sequences_that_are_still_there_in_order_and_counts_their_buffers_until_returned()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        var records = await EvidenceFixtures.AppendAsync(outbox, 6, 30_000);
        await outbox.CompleteAsync(4); // receipted meanwhile: not read back

        var read = await outbox.ReadForDeliveryAsync([5, 2, 4, 6, 9]);

        Assert.Equal([2L, 5, 6], read.Select(i => i.Sequence));
        Assert.Equal([records[1].RecordId, records[4].RecordId, records[5].RecordId], read.Select(i => i.RecordId));
        Assert.All(read, i => Assert.Equal(records[(int)i.Sequence - 1].Image!.Sha256, Convert.ToHexStringLower(SHA256.HashData(i.Image))));
        Assert.Equal(read.Sum(i => (long)i.HeldBytes), outbox.ImageBuffers.Held);
        foreach (var item in read)
        {
            item.Return();
            item.Return();
        }

        Assert.Equal(0, outbox.ImageBuffers.Held);
        Assert.Equal(read.Sum(i => (long)i.HeldBytes), outbox.ImageBuffers.Peak);
        Assert.Empty(await outbox.ReadForDeliveryAsync(Array.Empty<long>()));
    }

    [Fact]
    public async Task A_returned_buffer_goes_back_to_the_pool_once_and_cannot_be_read_through_the_item()
    {
        using var outbox = EvidenceOutbox.Open(temp.Combine("outbox.db"));
        await EvidenceFixtures.AppendAsync(outbox, 1, 50_000);
        var item = (await outbox.ReadForDeliveryAsync(0, 1)).Single();

        item.Return();
        item.Return(); // a second return must not put the same array in the pool twice

        Assert.True(item.Returned);
        Assert.Throws<ObjectDisposedException>(() => item.Image);
        var first = ArrayPool<byte>.Shared.Rent(50_000);
        var second = ArrayPool<byte>.Shared.Rent(50_000);
        Assert.NotSame(first, second); // handed out twice at once: two records' images in one buffer
        ArrayPool<byte>.Shared.Return(first);
        ArrayPool<byte>.Shared.Return(second);
    }

    public void Dispose() => temp.Dispose();
}
