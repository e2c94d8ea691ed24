using EdgeAgent.Evidence;
using System.CommandLine;
using EdgeAgent.Configuration;
using EdgeAgent.Health;
using EdgeAgent.Doctor;

namespace EdgeAgent.Cli;

public static class DoctorCommand
{
    public static Command Create(TextWriter output)
    {
        var config = new Option<string>("--config", "-c") { Description = "Configuration file to check.", DefaultValueFactory = _ => ConfigLoader.DefaultPath };
        var json = new Option<bool>("--json") { Description = "Print the results as a JSON array (check, outcome, detail, fix) for scripts." };
        var command = new Command("doctor", "Check this point: config, cameras, GPIO lines, scanners, broker, clock, disk, permissions. Works with or without the agent running; exits 1 on any FAIL.") { config, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var doctor = new FieldDoctor(new LinuxClockSyncProbe(), new StatvfsDiskSpaceProbe());
            return await RunAsync(doctor, parse.GetValue(config)!, output, parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(FieldDoctor doctor, string configPath, TextWriter output, bool json = false, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<DoctorOutcome, int> { [DoctorOutcome.Pass] = 0, [DoctorOutcome.Warn] = 0, [DoctorOutcome.Fail] = 0 };
        var configFailed = false;
        var results = new List<DoctorResult>();
        await foreach (var result in doctor.RunAsync(configPath, cancellationToken))
        {
            counts[result.Outcome]++;
            configFailed |= result.Check == "config" && result.Outcome == DoctorOutcome.Fail;
            results.Add(result);
            if (json)
            {
                continue; // printed as one document at the end
            }

            output.WriteLine($"{result.Outcome.ToString().ToUpperInvariant(),-5} {result.Check,-18} {result.Detail}");
            if (result.Fix is not null)
            {
                output.WriteLine($"{"",-24} fix: {result.Fix}");
            }
        }

        if (json)
        {
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(results, HealthJson.Options));
        }
        else
        {
            output.WriteLine();
            output.WriteLine($"{counts[DoctorOutcome.Pass]} passed, {counts[DoctorOutcome.Warn]} warnings, {counts[DoctorOutcome.Fail]} failed");
        }

        return configFailed ? ExitCodes.Config : counts[DoctorOutcome.Fail] > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
