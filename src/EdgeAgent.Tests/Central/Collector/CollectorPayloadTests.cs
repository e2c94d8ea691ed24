using System.Buffers;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>The collector keeps MQTTnet's payload array instead of copying it, only when the payload is that whole array.</summary>
public sealed class CollectorPayloadTests
{
    [Fact]
    public void A_payload_that_is_a_whole_array_is_that_array()
    {
        var bytes = new byte[] { 1, 2, 3 };

        Assert.Same(bytes, CollectorService.Own(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void A_payload_that_is_part_of_an_array_or_in_segments_is_copied()
    {
        var bytes = new byte[] { 1, 2, 3, 4 };
        var first = new Segment(bytes.AsMemory(0, 2));
        var last = first.Append(bytes.AsMemory(2));

        var part = CollectorService.Own(new ReadOnlySequence<byte>(bytes, 1, 2));
        var segmented = CollectorService.Own(new ReadOnlySequence<byte>(first, 0, last, 2));

        Assert.Equal([2, 3], part);
        Assert.Equal(bytes, segmented);
        Assert.NotSame(bytes, segmented);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
