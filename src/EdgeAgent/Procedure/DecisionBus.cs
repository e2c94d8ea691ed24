using System.Threading.Channels;

namespace EdgeAgent.Procedure;

/// <summary>
/// The queue between the procedure stage and the capture stage: written only by <see cref="ProcedureStage"/>, read by
/// exactly one consumer, <c>Capture/CaptureStage</c>. FIFO, so triggers keep their order.
/// </summary>
public sealed class DecisionBus
{
    private readonly Channel<DecidedTrigger> channel = Channel.CreateUnbounded<DecidedTrigger>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<DecidedTrigger> Reader => channel.Reader;

    public void Publish(DecidedTrigger decided)
    {
        if (!channel.Writer.TryWrite(decided))
        {
            throw new InvalidOperationException("decision bus is closed");
        }
    }
}
