using System.Threading.Channels;

namespace EdgeAgent.Capture;

/// <summary>
/// The queue between the capture stage and the evidence stage: written only by <see cref="CaptureStage"/>, read by
/// exactly one consumer, <c>Evidence/EvidenceRecorder</c>. FIFO, so triggers keep their order.
/// </summary>
public sealed class CaptureBus
{
    private readonly Channel<CaptureBatch> channel = Channel.CreateUnbounded<CaptureBatch>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<CaptureBatch> Reader => channel.Reader;

    public void Publish(CaptureBatch batch)
    {
        if (!channel.Writer.TryWrite(batch))
        {
            throw new InvalidOperationException("capture bus is closed");
        }
    }
}
