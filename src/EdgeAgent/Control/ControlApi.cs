using System.Device.Gpio;
using EdgeAgent.Capture;
using EdgeAgent.Configuration;
using EdgeAgent.Health;
using EdgeAgent.Procedure;
using EdgeAgent.Triggers;
using EdgeAgent.Uplink;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Control;

/// <summary>The local control API, served as HTTP over a Unix domain socket only.</summary>
public static class ControlApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // Control is only ever served on the Unix socket; the optional loopback metrics port gets /metrics alone.
        var control = app.MapGroup("/v1").AddEndpointFilter(UnixSocketOnlyAsync);
        control.MapPost("/trigger", TriggerAsync);
        control.MapGet("/status", Status);
        control.MapGet("/health", HealthAsync);
        control.MapGet("/cameras/{cameraId}/snapshot", SnapshotAsync);
        control.MapPost("/cameras/{cameraId}/reference", CommissionReference.Handle);
        app.MapGet("/metrics", MetricsAsync);
    }

    private static async ValueTask<object?> UnixSocketOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Connection.LocalIpAddress is null ? await next(context) : Results.NotFound();

    private static async Task<IResult> MetricsAsync(HealthCollector collector, AgentMetrics metrics, CancellationToken cancellationToken) =>
        Results.Text(await metrics.RenderAsync(await collector.CollectAsync(cancellationToken), cancellationToken), PrometheusText.ContentType);

    /// <summary>Largest body <c>POST /v1/trigger</c> reads.</summary>
    private const int MaxTriggerBytes = 16 * 1024;

    private static async Task<IResult> TriggerAsync(
        HttpRequest http,
        IOptions<EdgeAgentOptions> options,
        GpioDriverProvider gpio,
        ProcedureRegistry procedures,
        TriggerBus bus,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Invalid UTF-8 or a member given twice is an error, never silence and never "the last one wins".
        var (request, invalid) = await Protocol.StrictJson.ReadAsync<TriggerRequest>(http.Body, MaxTriggerBytes, cancellationToken);
        if (request is null)
        {
            return Results.BadRequest(new { error = invalid });
        }

        // Every refusal names the valid choices: the agent is the one that knows its points, steps and inputs.
        if (request.Input is null && request.State is not null)
        {
            return Refuse($"--state switches a lock input: name one with --input; valid inputs: {Choices(options.Value.Inputs.Select(i => i.Id))}");
        }

        if (request.Input is not null)
        {
            var input = options.Value.Inputs.FirstOrDefault(i => i.Id == request.Input);
            if (input is null)
            {
                return Refuse($"unknown input '{request.Input}'; valid inputs: {Choices(options.Value.Inputs.Select(i => i.Id))}");
            }

            if (request.State is not ("on" or "off"))
            {
                return Refuse($"{(request.State is null ? "--input needs --state" : $"unknown state '{request.State}'")}; valid states: on, off");
            }

            if (request.Point is not null || request.Step is not null)
            {
                return Refuse("--input switches a lock; --point and --step belong to a manual trigger, not to --input");
            }

            if (!gpio.IsSimulated)
            {
                return Refuse("inputs are real GPIO lines; only a simulated driver (Gpio:Driver \"simulated\") can be switched from here. Use --point for a manual trigger.");
            }

            var locked = request.State == "on";
            gpio.GetSimulated(gpio.ResolveChip(input)).SetInput(input.Line, locked ^ input.ActiveLow ? PinValue.High : PinValue.Low);
            return Results.Accepted(value: new { input = input.Id, state = request.State });
        }

        var points = options.Value.Points.Select(p => p.Id).ToList();
        var point = request.Point ?? (points.Count == 1 ? points[0] : null);
        if (point is null || !points.Contains(point, StringComparer.Ordinal))
        {
            return Refuse($"{(point is null ? "name a point with --point" : $"unknown point '{point}'")}; valid points: {Choices(points)}");
        }

        var steps = procedures.Get(point).Procedure.Template.Steps.Select(s => s.Id).ToList();
        if (request.Step is not null && !steps.Contains(request.Step, StringComparer.Ordinal))
        {
            return Refuse($"unknown step '{request.Step}' at point {point}; valid steps: {Choices(steps)}");
        }

        TriggerOutcome outcome;
        try
        {
            outcome = await bus.PublishAndWaitAsync(
                new TriggerEvent(point, TriggerKind.Manual, "control-socket", request.Requester ?? "edgeagent-trigger", time.GetUtcNow(), time.GetTimestamp())
                {
                    StepId = request.Step,
                    Operator = request.Operator,
                },
                cancellationToken);
        }
        catch (Outbox.OutboxDiskFullException ex)
        {
            // The documented refusal, as 507 Insufficient Storage: nothing was recorded; repeat the trigger once there is room.
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status507InsufficientStorage);
        }

        if (!outcome.Ok)
        {
            // The step's photo is missing: never a success, even with records of other cameras. A late photo follows.
            return Results.Json(
                new { ok = false, error = $"no photo produced after the trigger from camera {string.Join(", ", outcome.CamerasWithoutPhoto)}; a late photo will be taken when it delivers one", point = outcome.PointId, step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Ok(new { ok = true, point = outcome.PointId, step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings });
    }

    /// <summary>A request the agent will not carry out, with the sentence the command line shows (and exits 64 on).</summary>
    private static IResult Refuse(string error) => Results.BadRequest(new { error });

    private static string Choices(IEnumerable<string> ids) => ids.Any() ? string.Join(", ", ids) : "(none configured)";

    /// <summary>Never a 500: a component that cannot be read is reported failing inside the report (see <see cref="HealthCollector"/>).</summary>
    private static async Task<IResult> HealthAsync(HealthCollector collector, CancellationToken cancellationToken) =>
        Results.Json(await collector.CollectAsync(cancellationToken), HealthJson.Options);

    /// <summary>The camera's current frame with its sharpness drawn on it. The id is looked up, never used as a path.</summary>
    private static async Task<IResult> SnapshotAsync(string cameraId, CameraRegistry cameras, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!cameras.Settings.ContainsKey(cameraId))
        {
            return Results.NotFound(new { error = $"unknown camera '{cameraId}'; valid: {string.Join(", ", cameras.Settings.Keys.Order(StringComparer.Ordinal))}" });
        }

        var reader = cameras.Get(cameraId);
        Frame frame;
        try
        {
            frame = await reader.CaptureAsync(time.GetTimestamp(), TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (CameraUnavailableException ex)
        {
            return Results.Json(new { error = ex.Message, state = reader.State.ToString().ToLowerInvariant() }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var quality = cameras.Measure(cameraId, frame);
        response.Headers["X-Sharpness"] = quality.Sharpness.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["X-Quality-Flags"] = string.Join(',', quality.Flags);
        if (quality.SceneMatch is { } scene)
        {
            response.Headers["X-Scene-Match"] = scene.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.Headers["X-Frame-Sequence"] = frame.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.File(AimingSnapshot.Render(cameraId, frame, quality), "image/jpeg");
    }

    private static IResult Status(CameraRegistry cameras, ProcedureRegistry procedures, LockInputService inputs, MqttUplinkService uplink, IOptions<EdgeAgentOptions> options, ConfigFile configFile) =>
        Results.Ok(new
        {
            device = options.Value.DeviceId,
            configFile = configFile.Path,
            site = options.Value.SiteId,
            broker = new { connected = uplink.IsConnected, lastAcknowledgedAt = uplink.LastAcknowledgedAt },
            cameras = cameras.All.Select(c => new { id = c.CameraId, state = c.State.ToString().ToLowerInvariant(), lastError = c.LastError, lastFrameSequence = c.Latest?.Sequence }),
            inputs = inputs.Locked.Select(kv => new { id = kv.Key, locked = kv.Value }),
            points = procedures.All.Select(p => new { id = p.Options.Id, workOrder = p.Procedure.WorkOrderId, step = p.Procedure.CurrentStep?.Id, locksOn = p.Procedure.LocksOn }),
        });
}

/// <summary>Body of <c>POST /v1/trigger</c>: either an input to switch (simulated GPIO) or a manual trigger at a point.</summary>
public sealed record TriggerRequest(string? Point, string? Input, string? State, string? Step, string? Operator, string? Requester);
