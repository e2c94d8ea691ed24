using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Tests.Uplink;

/// <summary>A plain MQTT 5 subscriber that counts and keeps what arrives on a filter, for assertions.</summary>
public sealed class MqttObserver : IAsyncDisposable
{
    private readonly IMqttClient client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<MqttApplicationMessage> messages = new();
    private readonly Lock sync = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];

    public IReadOnlyList<MqttApplicationMessage> Messages => [.. messages];

    public static async Task<MqttObserver> StartAsync(string url, string filter, BrokerOptions? broker = null, string? clientId = null)
    {
        var observer = new MqttObserver();
        observer.client.ApplicationMessageReceivedAsync += args =>
        {
            observer.messages.Enqueue(args.ApplicationMessage);
            lock (observer.sync)
            {
                foreach (var waiter in observer.waiters.Where(w => observer.messages.Count >= w.Count))
                {
                    waiter.Done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        };
        var options = broker ?? new BrokerOptions { Url = url };
        await observer.client.ConnectAsync(MqttConnectionFactory.Build(options, clientId ?? "observer-" + Guid.NewGuid().ToString("N")[..8]));
        await observer.client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
        return observer;
    }

    public IMqttClient Client => client;

    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sync)
        {
            if (messages.Count >= count)
            {
                return;
            }

            waiters.Add((count, done));
        }

        await done.Task.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // the broker already dropped us (the point of some tests)
        }

        client.Dispose();
    }
}
