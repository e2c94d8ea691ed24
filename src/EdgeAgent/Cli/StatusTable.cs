using System.Globalization;
using EdgeAgent.Health;

namespace EdgeAgent.Cli;

/// <summary>Renders a <see cref="HealthReport"/> as a short table readable on a phone-sized terminal.</summary>
public static class StatusTable
{
    public static void Write(TextWriter output, HealthReport report)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{report.Device} @ {report.Site}  edgeagent {report.Version}  up {Uptime(report.UptimeSeconds)}  status {report.Status.ToUpperInvariant()}"));
        output.WriteLine();
        Row(output, "CAMERA", "STATE", "FPS", "AGE", "SHARPNESS", "SCENE");
        foreach (var cam in report.Cameras)
        {
            var scene = cam.SceneMatch is { } m ? string.Create(c, $"{m:0.00}") + (cam.Flags.Contains("scene-mismatch") ? " MOVED?" : "") : cam.ReferenceCommissioned ? "-" : "no ref";
            Row(output, cam.Id, cam.Frozen ? "FROZEN" : cam.State, Num(cam.Fps, "0.0"), cam.LastFrameAgeSeconds is { } a ? string.Create(c, $"{a:0.0}s") : "-", Num(cam.Sharpness, "0"), scene);
        }

        output.WriteLine();
        output.WriteLine($"{"TIMING",-16} {"PRODUCED-AT FROM",-19} {"LATENCY",8} {"P95",8}  UNTRUSTED");
        foreach (var cam in report.Cameras)
        {
            output.WriteLine($"{cam.Id,-16} {cam.ProducedBasis ?? "-",-19} {Ms(cam.LatencyMs),8} {Ms(cam.LatencyP95Ms),8}  {cam.RejectedCameraTimes.ToString(c)}");
        }

        foreach (var cam in report.Cameras.Where(cam => !cam.ReferenceCommissioned))
        {
            output.WriteLine($"  {cam.Id}: no reference commissioned; once aimed and focused: edgeagent commission --camera {cam.Id}");
        }

        output.WriteLine();
        Row(output, "INPUT", "POINT", "LOCK", "LEVEL", "CHATTER");
        foreach (var input in report.Inputs)
        {
            Row(output, input.Id, input.Point, input.Locked ? "on" : "off", input.Level, input.Chatter ?? "-");
        }

        if (report.Scanners.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{"SCANNER",-16} {"STATE",-13} {"KIND",-9} {"LAST SCAN",9} {"REJECTED",9}");
            foreach (var scanner in report.Scanners)
            {
                output.WriteLine($"{scanner.Id,-16} {scanner.State,-13} {scanner.Kind,-9} {scanner.LastScanAt?.ToString("HH:mm:ss", c) ?? "-",9} {scanner.RecentRejected.ToString(c),9}");
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"broker   {report.Broker.Url}  {(report.Broker.Connected ? "connected" : "NOT CONNECTED")}  last ack {report.Broker.LastAcknowledgedAt?.ToString("u", c) ?? "-"}"));
        output.WriteLine(string.Create(c, $"outbox   {report.Outbox.Depth} records, {Bytes(report.Outbox.Bytes)}, oldest {(report.Outbox.OldestAgeSeconds is { } o ? Uptime(o) + " ago" : "-")}"));
        output.WriteLine(string.Create(c, $"disk     {Bytes(report.Disk.FreeBytes)} free of {Bytes(report.Disk.TotalBytes)} ({report.Disk.FreePercent:0.#}%) on {report.Disk.Path}"));
        output.WriteLine(string.Create(c, $"clock    {(report.Clock.Synchronised ? "synchronised" : "WARNING: not synchronised, evidence timestamps are marked untrusted")}{(report.Clock.MaxErrorMs is { } e ? $" (±{e:0.#} ms)" : "")}"));
        output.WriteLine(string.Create(c, $"cpu      {(report.CpuTemperatureC is { } t ? $"{t:0.0} °C" : "no sensor")}"));
        output.WriteLine(string.Create(c, $"watchdog {(report.PipelineAlive ? "fed (pipeline alive)" : "WITHHELD (pipeline hung)")}"));
        if (report.Findings is { Total: > 0 } findings)
        {
            output.WriteLine();
            output.WriteLine(string.Create(c, $"findings {findings.Total} since start, {findings.UnsafeRecent} unsafe in the last hour"));
            output.WriteLine("TIME      CODE                        POINT        ORDER        STEP");
            foreach (var f in findings.Recent.Take(10))
            {
                output.WriteLine(string.Create(c, $"{f.At:HH:mm:ss} {(f.Unsafe ? "!" : " ")}{f.Code,-26} {f.Point,-12} {f.WorkOrder ?? "-",-12} {f.Step ?? "-"}"));
            }
        }

        if (report.Problems.Count > 0)
        {
            output.WriteLine();
            foreach (var problem in report.Problems)
            {
                output.WriteLine($"! {problem}");
            }
        }
    }

    private static void Row(TextWriter output, string a, string b, string c, string d, string e, string? f = null) =>
        output.WriteLine($"{a,-16} {b,-13} {c,6} {d,8} {e,10}{(f is null ? "" : $"  {f}")}");

    private static string Ms(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0}ms") : "-";

    private static string Num(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Uptime(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d{t.Hours}h" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : $"{(int)t.TotalMinutes}m{t.Seconds:00}s";
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => $"{bytes} B",
    };
}
