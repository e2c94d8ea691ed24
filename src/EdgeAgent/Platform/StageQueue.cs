using System.Threading.Channels;

namespace EdgeAgent.Platform;

/// <summary>
/// The queue between two stages of the record's pipeline: unbounded (nothing handed on is dropped), first in first
/// out (triggers keep their order) and read by exactly one consumer. Each stage's queue names its writers and reader.
/// </summary>
public abstract class StageQueue<T>(string name)
{
    private readonly Channel<T> channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<T> Reader => channel.Reader;

    public void Publish(T item)
    {
        if (!channel.Writer.TryWrite(item))
        {
            throw new InvalidOperationException($"{name} is closed");
        }
    }
}
