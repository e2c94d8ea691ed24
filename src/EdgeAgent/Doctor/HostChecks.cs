using EdgeAgent.Evidence;
using System.Device.Gpio;
using EdgeAgent.Configuration;
using EdgeAgent.Health;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Doctor;

/// <summary>Checks of the device itself: GPIO lines, scanner devices, clock, disk and the agent user's groups.</summary>
public static class HostChecks
{
    public static readonly string[] RequiredGroups = ["gpio", "video", "input", "dialout"];

    public static IEnumerable<DoctorResult> Gpio(EdgeAgentOptions agent, HealthReport? running, string devDirectory = "/dev")
    {
        if (agent.Gpio.Driver == "simulated")
        {
            yield return DoctorResult.Warn("gpio", "Gpio:Driver is \"simulated\": lock switches are not read from hardware", "set Gpio:Driver to \"libgpiod\" on a real device");
            yield break;
        }

        foreach (var input in agent.Inputs)
        {
            var name = $"input {input.Id}";
            if (running?.Inputs.FirstOrDefault(i => i.Id == input.Id) is { } seen)
            {
                yield return DoctorResult.Pass(name, $"via running agent: gpiochip{input.Chip} line {input.Line} reads {seen.Level} (lock {(seen.Locked ? "on" : "off")})");
                continue;
            }

            var chip = Path.Combine(devDirectory, $"gpiochip{input.Chip}");
            if (!File.Exists(chip))
            {
                yield return DoctorResult.Fail(name, $"{chip} does not exist", "check Inputs Chip against the board (gpiodetect lists the chips)");
                continue;
            }

            yield return ReadLine(agent, input, name);
        }
    }

    private static DoctorResult ReadLine(EdgeAgentOptions agent, InputOptions input, string name)
    {
        try
        {
            using var drivers = new GpioDriverProvider(Options.Create(agent));
            using var controller = new GpioController(drivers.Get(input.Chip));
            controller.OpenPin(input.Line, PinMode.Input);
            var level = controller.Read(input.Line) == PinValue.High ? "high" : "low";
            var locked = (level == "high") ^ input.ActiveLow;
            return DoctorResult.Pass(name, $"gpiochip{input.Chip} line {input.Line} reads {level} (lock {(locked ? "on" : "off")})");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or InvalidOperationException or ArgumentException or DllNotFoundException)
        {
            return DoctorResult.Fail(name, $"gpiochip{input.Chip} line {input.Line} cannot be read: {ex.Message}", "the user needs group gpio and the udev rule from deploy/install.sh; a line held by another program (gpioinfo shows the consumer) cannot be read");
        }
    }

    /// <summary>Scanner devices named under <c>Scanners</c> in the config (<c>Device</c> or <c>Path</c>) must exist.</summary>
    public static IEnumerable<DoctorResult> Scanners(IConfiguration configuration)
    {
        foreach (var scanner in configuration.GetSection("Scanners").GetChildren())
        {
            var device = scanner["Device"] ?? scanner["Path"];
            if (string.IsNullOrEmpty(device))
            {
                continue;
            }

            var name = $"scanner {scanner["Id"] ?? scanner.Key}";
            yield return File.Exists(device) || Directory.Exists(device)
                ? DoctorResult.Pass(name, $"{device} exists")
                : DoctorResult.Fail(name, $"{device} does not exist", "plug the scanner in and check the device name (ls -l /dev/input/by-id /dev/serial/by-id)");
        }
    }

    public static DoctorResult Clock(IClockSyncProbe probe)
    {
        var clock = ClockSync.From(probe.Read());
        return clock.Synchronised
            ? DoctorResult.Pass("clock", $"synchronised{(clock.MaxErrorMs is { } e ? $" (max error {e:0.#} ms)" : "")}")
            : DoctorResult.Warn("clock", $"not synchronised ({clock.Source}): evidence timestamps cannot be trusted", "enable time sync: timedatectl set-ntp true (systemd-timesyncd) or install chrony, and allow NTP (udp/123) through the firewall");
    }

    public static DoctorResult Disk(EdgeAgentOptions agent, IDiskSpaceProbe probe)
    {
        var space = probe.Measure(agent.StateDirectory);
        var detail = $"{space.FreeBytes / (1024 * 1024)} MiB free ({space.FreePercent:0.#}%) on {agent.StateDirectory}";
        var fix = "free space on that file system or move StateDirectory to a larger one; evidence waits in the outbox there while the broker is unreachable";
        if (space.FreePercent < agent.Health.DiskLowPercent / 5)
        {
            return DoctorResult.Fail("disk", detail, fix);
        }

        return space.FreePercent < agent.Health.DiskLowPercent ? DoctorResult.Warn("disk", detail, fix) : DoctorResult.Pass("disk", detail);
    }

    /// <summary>The agent's user must be in the groups that own the devices it reads.</summary>
    public static DoctorResult Permissions(string etcDirectory = "/etc", string user = "edgeagent")
    {
        var passwd = ReadLines(Path.Combine(etcDirectory, "passwd"));
        if (!passwd.Any(l => l.StartsWith(user + ":", StringComparison.Ordinal)))
        {
            return DoctorResult.Warn("permissions", $"user {user} does not exist", "install with deploy/install.sh, which creates the user and its groups");
        }

        var groups = ReadLines(Path.Combine(etcDirectory, "group")).Select(l => l.Split(':')).Where(f => f.Length >= 4).ToDictionary(f => f[0], f => f[3].Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        var missing = RequiredGroups.Where(g => !groups.TryGetValue(g, out var members) || !members.Contains(user, StringComparer.Ordinal)).ToList();
        return missing.Count == 0
            ? DoctorResult.Pass("permissions", $"user {user} is in groups {string.Join(", ", RequiredGroups)}")
            : DoctorResult.Fail("permissions", $"user {user} is not in group(s) {string.Join(", ", missing)}", $"sudo usermod -aG {string.Join(',', missing)} {user} && sudo systemctl restart edgeagent (or rerun deploy/install.sh)");
    }

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
