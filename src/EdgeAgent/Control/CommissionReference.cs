using EdgeAgent.Capture;
using EdgeAgent.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Control;

/// <summary>
/// <c>POST /v1/cameras/{cameraId}/reference</c>: commissioning. Stores the camera's newest frame as its reference
/// view, against which health then reports the scene match. The id is looked up in the config, never used as a path.
/// </summary>
public static partial class CommissionReference
{
    public static IResult Handle(string cameraId, CameraRegistry cameras, ILoggerFactory loggers)
    {
        if (!cameras.Settings.ContainsKey(cameraId))
        {
            return Results.NotFound(new { error = $"unknown camera '{cameraId}'; valid: {string.Join(", ", cameras.Settings.Keys.Order(StringComparer.Ordinal))}" });
        }

        var logger = loggers.CreateLogger(typeof(CommissionReference));
        var replaced = cameras.References.Load(cameraId) is not null;
        try
        {
            var quality = cameras.CommissionReference(cameraId);
            Log.Commissioned(logger, cameraId, quality.Sharpness, quality.Brightness, replaced);
            return Results.Json(new CommissionResult(cameraId, replaced, quality), HealthJson.Options);
        }
        catch (CameraUnavailableException ex)
        {
            return Results.Json(new { error = ex.Message, state = cameras.Get(cameraId).State.ToString().ToLowerInvariant() }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (InvalidOperationException ex)
        {
            Log.Refused(logger, cameraId, ex.Message);
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }
}

/// <summary>Answer of a successful commissioning: the camera, whether an earlier reference was replaced, and the quality seen.</summary>
public sealed record CommissionResult(string Camera, bool Replaced, Protocol.FrameQuality Quality);
