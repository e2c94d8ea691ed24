using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using EdgeAgent.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Uplink;

/// <summary>
/// MQTT 5 request/response for the device's command topic: validates each request, hands it to the
/// <see cref="ICommandHandler"/>, and publishes the answer to the request's response topic with its
/// correlation data. Requests are queued off the receive path; a redelivered request (same correlation
/// data) gets the earlier answer again and is not carried out twice.
/// </summary>
public sealed partial class CommandResponder(ICommandHandler handler, string deviceId, ILogger logger)
{
    private const int RememberedAnswers = 256;
    private readonly Channel<MqttApplicationMessage> requests = Channel.CreateBounded<MqttApplicationMessage>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, byte[]> answered = new(StringComparer.Ordinal);
    private readonly Queue<string> answeredOrder = new();

    /// <summary>Called from the MQTT receive path; never blocks it. A full queue drops the request (the requester times out).</summary>
    public void OnRequest(MqttApplicationMessage message) => requests.Writer.TryWrite(message);

    public async Task RunAsync(Func<IMqttClient> client, CancellationToken cancellationToken)
    {
        await foreach (var request in requests.Reader.ReadAllAsync(cancellationToken))
        {
            var key = request.CorrelationData is { Length: > 0 } c ? Convert.ToBase64String(c) : null;
            var responseTopic = ValidResponseTopic(request.ResponseTopic);
            try
            {
                if (key is null || !answered.TryGetValue(key, out var payload))
                {
                    payload = await AnswerAsync(request, responseTopic is null, cancellationToken);
                    Remember(key, payload);
                }

                await client().PublishAsync(
                    new MqttApplicationMessageBuilder()
                        .WithTopic(responseTopic ?? Topics.Response(deviceId))
                        .WithPayload(payload)
                        .WithContentType("application/json")
                        .WithCorrelationData(request.CorrelationData ?? [])
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ResponseFailed(logger, ex.Message);
            }
        }
    }

    private async Task<byte[]> AnswerAsync(MqttApplicationMessage request, bool badResponseTopic, CancellationToken cancellationToken)
    {
        CommandResult result;
        var command = DeviceCommand.TryParse(request.Payload.IsSingleSegment ? request.Payload.FirstSpan : request.Payload.ToArray(), out var error);
        if (badResponseTopic && request.ResponseTopic is not null)
        {
            result = CommandResult.Failure($"response topic must be {Topics.Response(deviceId)} or below it; nothing was done");
        }
        else if (command is null)
        {
            result = CommandResult.Failure(error);
        }
        else
        {
            try
            {
                result = await handler.HandleAsync(command, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = CommandResult.Failure($"{command.Name} failed: {ex.Message}");
            }
        }

        Log.Handled(logger, command?.Name ?? "(invalid)", result.Ok, result.Error ?? "");
        return JsonSerializer.SerializeToUtf8Bytes(new { schema = "edgeagent.response/1", command = command?.Name, ok = result.Ok, result = result.Result, error = result.Error }, JsonSerializerOptions.Web);
    }

    private string? ValidResponseTopic(string? topic)
    {
        var own = Topics.Response(deviceId);
        return topic is not null && (topic == own || (topic.StartsWith(own + "/", StringComparison.Ordinal) && !topic.Contains('+', StringComparison.Ordinal) && !topic.Contains('#', StringComparison.Ordinal))) ? topic : null;
    }

    private void Remember(string? key, byte[] payload)
    {
        if (key is null)
        {
            return;
        }

        answered[key] = payload;
        answeredOrder.Enqueue(key);
        if (answeredOrder.Count > RememberedAnswers)
        {
            answered.Remove(answeredOrder.Dequeue());
        }
    }
}
