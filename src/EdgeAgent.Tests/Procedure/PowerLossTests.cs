using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using EdgeAgent.Control;

namespace EdgeAgent.Tests.Procedure;

/// <summary>A real <c>edgeagent run</c> process killed with SIGKILL in the middle of a job, then started again.</summary>
public sealed class PowerLossTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Agent_killed_mid_job_continues_at_the_same_step_after_restart_with_an_unbroken_chain()
    {
        using var dir = new TempDirectory();
        var state = dir.Combine("state");
        var config = AgentConfig.Write(dir.Path, AgentConfig.Baseline(state, "mqtt://127.0.0.1:1"));
        var socket = Path.Combine(state, "control.sock");

        using (var first = await StartAgentAsync(config, socket))
        {
            using var control = new ControlClient(socket);
            await ManualAsync(control, "isolated");
            await SwitchAsync(control, "on");
            await ManualAsync(control, "zero-energy-verified");
            await ManualAsync(control, "area-cleared"); // the bus is ordered: the lock's record is written too
            first.Kill(); // SIGKILL: no shutdown code runs
            await first.WaitForExitAsync().WaitAsync(Bound);
        }

        // The simulated switch forgets its level with the process: to the new agent the lock came off while it
        // was down. It must continue the same job from "area-cleared" and record the removal it found.
        using (var second = await StartAgentAsync(config, socket))
        {
            using var control = new ControlClient(socket);
            var point = await WaitForStepAsync(control, "lock-removed");
            Assert.Equal(0, point.GetProperty("locksOn").GetArrayLength());
            await ManualAsync(control, "restored");
            second.Kill();
            await second.WaitForExitAsync().WaitAsync(Bound);
        }

        using var outbox = EvidenceOutbox.Open(Path.Combine(state, "outbox.db"));
        var items = await outbox.PeekAsync(100);
        var records = items.Select(i => EvidenceRecord.FromJson(i.Record)).ToList();
        Assert.All(records, r => Assert.NotEqual(EdgeAgent.Protocol.FrameRole.Pre, r.Frame.Role)); // no ring, no pre-trigger photo
        Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared", "lock-removed", "restored"], records.Select(r => r.Step.Id));
        Assert.Single(records.Select(r => r.WorkOrder.Id).Distinct());
        Assert.All(records.Where(r => r.Step.Id is not "lock-removed" and not "locked"), r => Assert.Empty(r.Findings));
        // The shipped template wants 2 pre-trigger frames at the lock; the test camera keeps no ring, which is a finding, not silence.
        Assert.StartsWith(EdgeAgent.Procedure.FindingCodes.PreTriggerUnavailable, Assert.Single(records.Single(r => r.Step.Id == "locked").Findings), StringComparison.Ordinal);
        var removed = records.Single(r => r.Step.Id == "lock-removed");
        Assert.Equal((LockInputService.ReconciliationSource, 4), (removed.Trigger.Source, removed.Step.Index));
        Assert.StartsWith("input-changed-while-down: lock 'lock-a' found unlocked at start-up; was locked at shutdown", Assert.Single(removed.Findings));

        var store = new EvidenceStore(dir.Combine("collector"));
        foreach (var item in items)
        {
            store.Store(EvidenceRecord.FromJson(item.Record), item.Record, item.Image);
        }

        using var keys = new EnrolledKeys();
        using var key = DeviceKey.LoadOrCreate(state);
        keys.Add("test-device", DeviceKey.ImportPublicKey(key.PublicKeyPem));
        var report = EvidenceVerifier.Verify(store.Root, keys, ProcedureFixture.Templates);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
    }

    private static async Task<JsonElement> WaitForStepAsync(ControlClient control, string step)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            using var status = await control.GetAsync("v1/status", timeout.Token);
            var point = (await status.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("points")[0];
            if (point.GetProperty("step").GetString() == step)
            {
                return point;
            }

            await Task.Delay(50, timeout.Token); // polling a foreign process, bounded
        }
    }

    private static async Task ManualAsync(ControlClient control, string step)
    {
        using var response = await control.TriggerAsync(new TriggerRequest("conveyor-1", null, null, step, "BADGE-0042", "test")).WaitAsync(Bound);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task SwitchAsync(ControlClient control, string on)
    {
        using var response = await control.TriggerAsync(new TriggerRequest(null, "lock-a", on, null, null, "test")).WaitAsync(Bound);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<Process> StartAgentAsync(string config, string socket)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "edgeagent")) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A foreign process: poll its socket until it answers (bounded, like MosquittoProcess).
        using var timeout = new CancellationTokenSource(Bound);
        using var control = new ControlClient(socket);
        while (true)
        {
            Assert.False(process.HasExited, "edgeagent run exited");
            try
            {
                using var status = await control.GetAsync("v1/status", timeout.Token);
                if (status.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
