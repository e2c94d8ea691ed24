using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeAgent.Configuration;
using EdgeAgent.Control;

namespace EdgeAgent.Cli;

/// <summary>
/// One request to the running agent, with the exit codes every command shares: 69 when nothing answers on the
/// socket, 64 when the agent refuses the request (400: an unknown point, step, input or camera; its sentence lists
/// the valid ones), 78 when <c>--config</c> cannot be read, 1 for any other refusal.
/// </summary>
public sealed class AgentCall(string commandName, AgentSocketOptions socketOptions, TextWriter error)
{
    public async Task<int> RunAsync(ParseResult parse, Func<ControlClient, Task<int>> call, CancellationToken cancellationToken)
    {
        string socket;
        try
        {
            socket = socketOptions.Resolve(parse);
        }
        catch (ConfigException ex)
        {
            return EdgeAgentCli.ReportConfigError(error, ex);
        }

        using var client = new ControlClient(socket);
        try
        {
            return await call(client);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            error.WriteLine($"edgeagent {commandName}: no agent listening on {socket}");
            error.WriteLine("  is it running? systemctl status edgeagent; is this the right socket? pass --config FILE or --socket PATH; checks without an agent: edgeagent doctor");
            return ExitCodes.Unavailable;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"edgeagent {commandName}: the agent on {socket} did not answer in time; see journalctl -u edgeagent -e");
            return ExitCodes.Unavailable;
        }
    }

    /// <summary>JSON for people's terminals too: quotes and apostrophes as they are.</summary>
    public static readonly JsonSerializerOptions Plain = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Prints the agent's refusal (its <c>{"error": …}</c> sentence) and returns the matching exit code.</summary>
    /// <param name="whenEmpty">The sentence when the agent sent no body (a route that does not exist, e.g. an id of "..").</param>
    public async Task<int> RefusedAsync(HttpResponseMessage response, bool json, CancellationToken cancellationToken, string? whenEmpty = null)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var sentence = string.IsNullOrWhiteSpace(body) && whenEmpty is not null ? whenEmpty : ErrorOf(body, response.StatusCode);
        error.WriteLine(json ? JsonSerializer.Serialize(new { error = sentence, status = (int)response.StatusCode }, Plain) : $"edgeagent {commandName}: {sentence}");
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.NotFound => ExitCodes.Usage,
            HttpStatusCode.ServiceUnavailable => ExitCodes.Unavailable,
            _ => ExitCodes.Failure,
        };
    }

    /// <summary>The agent's <c>{"error": …}</c> sentence, or the status and raw body when it sent none.</summary>
    public static string ErrorOf(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var message) && message.GetString() is { } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(body) ? $"the agent answered {(int)status} {status}" : $"the agent answered {(int)status}: {body.Trim()}";
    }
}
