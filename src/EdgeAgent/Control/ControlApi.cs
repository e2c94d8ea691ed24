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

    private static async Task<IResult> MetricsAsync(HealthCollector collector, CancellationToken cancellationToken) =>
        Results.Text(PrometheusText.Render(await collector.CollectAsync(cancellationToken)), PrometheusText.ContentType);

    private static async Task<IResult> TriggerAsync(
        TriggerRequest request,
        IOptions<EdgeAgentOptions> options,
        GpioDriverProvider gpio,
        TriggerBus bus,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.Input is not null)
        {
            var input = options.Value.Inputs.FirstOrDefault(i => i.Id == request.Input);
            if (input is null)
            {
                return Results.BadRequest(new { error = $"unknown input '{request.Input}'; valid: {string.Join(", ", options.Value.Inputs.Select(i => i.Id))}" });
            }

            if (!gpio.IsSimulated)
            {
                return Results.BadRequest(new { error = "inputs are real GPIO lines; only a simulated driver can be switched from here. Use --point for a manual trigger." });
            }

            if (request.State is not ("on" or "off"))
            {
                return Results.BadRequest(new { error = "state must be \"on\" or \"off\"" });
            }

            var locked = request.State == "on";
            gpio.GetSimulated(gpio.ResolveChip(input)).SetInput(input.Line, locked ^ input.ActiveLow ? PinValue.High : PinValue.Low);
            return Results.Accepted(value: new { input = input.Id, state = request.State });
        }

        var point = request.Point ?? (options.Value.Points.Count == 1 ? options.Value.Points[0].Id : null);
        if (point is null || options.Value.Points.All(p => p.Id != point))
        {
            return Results.BadRequest(new { error = $"name a point with --point; valid: {string.Join(", ", options.Value.Points.Select(p => p.Id))}" });
        }

        var outcome = await bus.PublishAndWaitAsync(
            new TriggerEvent(point, TriggerKind.Manual, "control-socket", request.Requester ?? "edgeagent-trigger", time.GetUtcNow(), time.GetTimestamp())
            {
                StepId = request.Step,
                Operator = request.Operator,
            },
            cancellationToken);
        if (!outcome.Ok)
        {
            // The step's photo is missing: never a success, even with records of other cameras. A late photo follows.
            return Results.Json(
                new { ok = false, error = $"no photo produced after the trigger from camera {string.Join(", ", outcome.CamerasWithoutPhoto)}; a late photo will be taken when it delivers one", point = outcome.PointId, step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Ok(new { ok = true, point = outcome.PointId, step = outcome.StepId, records = outcome.RecordIds, findings = outcome.Findings });
    }

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

    private static IResult Status(CameraRegistry cameras, ProcedureRegistry procedures, LockInputService inputs, MqttUplinkService uplink, IOptions<EdgeAgentOptions> options) =>
        Results.Ok(new
        {
            device = options.Value.DeviceId,
            site = options.Value.SiteId,
            broker = new { connected = uplink.IsConnected, lastAcknowledgedAt = uplink.LastAcknowledgedAt },
            cameras = cameras.All.Select(c => new { id = c.CameraId, state = c.State.ToString().ToLowerInvariant(), lastError = c.LastError, lastFrameSequence = c.Latest?.Sequence }),
            inputs = inputs.Locked.Select(kv => new { id = kv.Key, locked = kv.Value }),
            points = procedures.All.Select(p => new { id = p.Options.Id, workOrder = p.Procedure.WorkOrderId, step = p.Procedure.CurrentStep?.Id, locksOn = p.Procedure.LocksOn }),
        });
}

/// <summary>Body of <c>POST /v1/trigger</c>: either an input to switch (simulated GPIO) or a manual trigger at a point.</summary>
public sealed record TriggerRequest(string? Point, string? Input, string? State, string? Step, string? Operator, string? Requester);
