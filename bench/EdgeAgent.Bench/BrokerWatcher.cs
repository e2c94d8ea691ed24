using System.Buffers;
using System.Collections.Concurrent;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace EdgeAgent.Bench;

/// <summary>Subscribes to everything and stamps each message's arrival, reassembling EdgeAgent image chunks.</summary>
public sealed class BrokerWatcher : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, List<(int Index, byte[] Data)>> chunks = new();
    private readonly ConcurrentQueue<TaskCompletionSource<Arrival>> waiters = new();
    private readonly ConcurrentQueue<Arrival> unclaimed = new();

    public sealed record Arrival(string Topic, DateTimeOffset At, long Timestamp, byte[] Payload, byte[]? Image);

    public static async Task<BrokerWatcher> StartAsync(string brokerUrl, string filter)
    {
        var watcher = new BrokerWatcher();
        watcher.client.ApplicationMessageReceivedAsync += e =>
        {
            watcher.OnMessage(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.client.ConnectAsync(MqttConnectionFactory.Build(new BrokerOptions { Url = brokerUrl }, "bench-watch-" + Guid.NewGuid().ToString("N")[..8]));
        await watcher.client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return watcher;
    }

    /// <summary>The next record-bearing message (an EdgeAgent evidence record, or any non-image message).</summary>
    public Task<Arrival> NextAsync(TimeSpan timeout)
    {
        if (unclaimed.TryDequeue(out var ready))
        {
            return Task.FromResult(ready);
        }

        var waiter = new TaskCompletionSource<Arrival>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiters.Enqueue(waiter);
        return waiter.Task.WaitAsync(timeout);
    }

    private int count;

    public int Count => Volatile.Read(ref count);

    private void OnMessage(MqttApplicationMessage message)
    {
        var at = DateTimeOffset.UtcNow;
        var timestamp = TimeProvider.System.GetTimestamp();
        var payload = message.Payload.ToArray();
        if (message.Topic.EndsWith("/image", StringComparison.Ordinal))
        {
            var props = message.UserProperties.ToDictionary(p => p.Name, p => p.ReadValueAsString());
            var list = chunks.GetOrAdd(props[Topics.Properties.RecordId], _ => []);
            lock (list)
            {
                list.Add((int.Parse(props[Topics.Properties.ChunkIndex], System.Globalization.CultureInfo.InvariantCulture), payload));
            }

            return;
        }

        byte[]? image = null;
        if (message.Topic.EndsWith("/evidence", StringComparison.Ordinal))
        {
            var record = Protocol.EvidenceRecord.FromJson(payload);
            if (chunks.TryRemove(record.RecordId.ToString(), out var parts))
            {
                image = parts.OrderBy(p => p.Index).SelectMany(p => p.Data).ToArray();
            }
        }
        else if (message.Topic.StartsWith(Topics.Root + "/", StringComparison.Ordinal))
        {
            return; // receipts, status, health, alerts, telemetry: not records
        }
        else
        {
            image = payload; // the do-it-yourself pipeline publishes the bare JPEG
        }

        Interlocked.Increment(ref count);
        var arrival = new Arrival(message.Topic, at, timestamp, payload, image);
        while (waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult(arrival))
            {
                return;
            }
        }

        unclaimed.Enqueue(arrival);
    }

    public void Clear()
    {
        unclaimed.Clear();
        Interlocked.Exchange(ref count, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await client.DisconnectAsync();
        client.Dispose();
    }
}
