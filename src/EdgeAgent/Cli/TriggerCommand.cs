using System.CommandLine;
using System.Text.Json;
using EdgeAgent.Control;

namespace EdgeAgent.Cli;

/// <summary>
/// <c>edgeagent trigger</c>: a manual trigger at a point (optionally confirming a step), or a switch of a simulated
/// lock input. The agent checks the point, step, input and state and lists the valid ones when it refuses (exit 64).
/// </summary>
public static class TriggerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var agent = new AgentSocketOptions();
        var point = new Option<string?>("--point") { Description = "Manual trigger at this point (default: the only point)." };
        var step = new Option<string?>("--step") { Description = "The step being confirmed, e.g. zero-energy-verified." };
        var op = new Option<string?>("--operator") { Description = "Who confirms it." };
        var input = new Option<string?>("--input") { Description = "Switch this simulated lock input instead (needs Gpio:Driver \"simulated\")." };
        var state = new Option<string?>("--state") { Description = "With --input: on (locked) or off (unlocked)." };
        state.AcceptOnlyFromAmong("on", "off");
        var command = new Command("trigger", "Fire a manual trigger, or switch a simulated lock input, on a running agent. Exit 0 done, 1 a camera of the step gave no photo made after the trigger (a late photo follows), 64 refused (the valid choices are listed), 69 no agent.") { point, step, op, input, state };
        agent.AddTo(command);
        var call = new AgentCall("trigger", agent, error);
        command.SetAction((parse, cancellationToken) => call.RunAsync(
            parse,
            async client =>
            {
                using var response = await client.TriggerAsync(
                    new TriggerRequest(parse.GetValue(point), parse.GetValue(input), parse.GetValue(state), parse.GetValue(step), parse.GetValue(op), Environment.UserName),
                    cancellationToken);
                var json = parse.GetValue(agent.Json);
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && await StepFailedAsync(response, cancellationToken) is { } failed)
                {
                    // The trigger was taken but a camera of the step gave no photo produced after it: a failure (exit 1), with
                    // the agent's whole answer (error, records, findings); a late photo follows when the camera returns.
                    error.WriteLine(failed);
                    return ExitCodes.Failure;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return await call.RefusedAsync(response, json, cancellationToken);
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                output.WriteLine(json ? body : Describe(body));
                return ExitCodes.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>The answer's body when it is the agent's <c>"ok": false</c> for a step without its photo; otherwise null.</summary>
    private static async Task<string?> StepFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False ? body : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The agent's answer as a sentence: which input was switched, or which step was recorded with which records and findings.</summary>
    private static string Describe(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.TryGetProperty("input", out var input))
        {
            return $"input {input.GetString()} switched {(root.GetProperty("state").GetString() == "on" ? "on (locked)" : "off (unlocked)")}";
        }

        var records = root.GetProperty("records").EnumerateArray().Select(r => r.GetString()).ToList();
        var findings = root.GetProperty("findings").EnumerateArray().Select(f => f.GetString()).ToList();
        var stepId = root.GetProperty("step").GetString();
        var lines = new List<string> { $"point {root.GetProperty("point").GetString()}: {(stepId is null ? "no step recorded" : $"step {stepId} recorded")}, {records.Count} record(s)" };
        lines.AddRange(records.Select(r => $"  record {r}"));
        lines.AddRange(findings.Select(f => $"  finding: {f}"));
        return string.Join('\n', lines);
    }
}
