using EdgeAgent.Procedure;
using EdgeAgent.Protocol;
using static EdgeAgent.Central.Verification.VerificationFailure;

namespace EdgeAgent.Central.Verification;

/// <summary>
/// Checks each work order against its procedure template: every required step it should have reached is
/// present, with the template's number of photos from each camera. A completed job must have every
/// required step; an aborted or still-open job every required step up to the furthest one it reached.
/// </summary>
public static class CompletenessChecker
{
    public static IReadOnlyList<VerificationFailure> Check(
        string deviceId,
        IEnumerable<(StoredRecord Stored, EvidenceRecord Record)> records,
        IReadOnlyDictionary<string, ProcedureTemplate> templates,
        List<string> warnings,
        List<JobSummary>? jobs = null)
    {
        var failures = new List<VerificationFailure>();
        foreach (var job in records.GroupBy(r => r.Record.WorkOrder.Id, StringComparer.Ordinal))
        {
            var items = job.ToList();
            var where = Path.GetDirectoryName(items[0].Stored.Name) ?? items[0].Stored.Name;
            var procedure = items[0].Record.WorkOrder.Procedure;
            if (!templates.TryGetValue(procedure, out var template))
            {
                failures.Add(new(deviceId, where, null, Checks.Completeness, $"work order {job.Key}: procedure '{procedure}' is not among the templates ({string.Join(", ", templates.Keys)})"));
                continue;
            }

            var status = items.Any(r => r.Record.WorkOrder.Status == "completed") ? "completed"
                : items.Any(r => r.Record.WorkOrder.Status == "aborted") ? "aborted" : "open";
            var furthest = items.Where(r => r.Record.Step.Advanced).Select(r => template.Steps.ToList().FindIndex(s => s.Id == r.Record.Step.Id)).DefaultIfEmpty(-1).Max();
            var last = status == "completed" ? template.Steps.Count - 1 : furthest;
            if (status == "open")
            {
                warnings.Add($"{where}: work order {job.Key} is still open (furthest step '{(furthest >= 0 ? template.Steps[furthest].Id : "none")}')");
            }

            var cameras = items.Select(r => r.Record.Frame.CameraId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var before = failures.Count;
            for (var i = 0; i <= last; i++)
            {
                var step = template.Steps[i];
                if (!step.Required)
                {
                    continue;
                }

                var expected = step.Capture.Cameras.Count > 0 ? step.Capture.Cameras : cameras;
                foreach (var camera in expected)
                {
                    // Pre-trigger photos show the moments before the step, not the step: only at and post photos count (/1 records have no role).
                    var photos = items.Count(r => r.Record.Step.Advanced && r.Record.Step.Id == step.Id && r.Record.Frame.CameraId == camera && r.Record.Frame.Role != Protocol.FrameRole.Pre && r.Record.Clip is null);
                    // A clip is asked for, not promised (a raw-only camera has none): its absence is a warning, with or without the device's finding.
                    if (step.Capture.Clip is not null && furthest >= i && !items.Any(r => r.Record.Clip is not null && r.Record.Step.Id == step.Id && r.Record.Frame.CameraId == camera))
                    {
                        var said = items.Any(r => r.Record.Findings.Any(f => f.StartsWith(FindingCodes.ClipUnavailable + ":", StringComparison.Ordinal) && f.Contains($"camera {camera} ", StringComparison.Ordinal)));
                        warnings.Add($"{where}: work order {job.Key}: step '{step.Id}' asks for a clip from camera {camera} and none is stored{(said ? " (the device says why: clip-unavailable)" : "")}");
                    }

                    if (photos < step.Capture.Photos)
                    {
                        failures.Add(new(deviceId, where, null, Checks.Completeness,
                            $"work order {job.Key} ({status}): step '{step.Id}' has {photos} of {step.Capture.Photos} photos from camera {camera}"));
                    }
                }
            }

            var present = template.Steps.Count(s => items.Any(r => r.Record.Step.Advanced && r.Record.Step.Id == s.Id));
            jobs?.Add(new JobSummary(deviceId, job.Key, procedure, status, present, template.Steps.Count, items.Count, failures.Count == before,
                items.SelectMany(r => r.Record.Findings).Distinct(StringComparer.Ordinal).Count()));
        }

        return failures;
    }
}
