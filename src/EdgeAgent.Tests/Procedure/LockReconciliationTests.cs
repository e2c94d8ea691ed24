using System.Device.Gpio;
using EdgeAgent.Configuration;
using EdgeAgent.Hosting;
using EdgeAgent.Procedure;
using EdgeAgent.Tests.Infrastructure;
using EdgeAgent.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAgent.Tests.Procedure;

public sealed class LockReconciliationTests
{
    [Fact]
    public async Task A_lock_found_on_at_start_that_the_point_does_not_remember_becomes_a_startup_lock_trigger()
    {
        using var dir = new TempDirectory();
        var configuration = ConfigLoader.Build(AgentConfig.Write(dir.Path, AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1")));
        await using var services = new ServiceCollection().AddLogging().AddEdgeAgent(configuration).BuildServiceProvider();
        services.GetRequiredService<GpioDriverProvider>().GetSimulated(0).SetInput(17, PinValue.Low); // active-low: locked
        var inputs = services.GetRequiredService<LockInputService>();
        await inputs.StartAsync(default);
        var reconciler = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LockReconciliationService>().Single();

        await reconciler.StartAsync(default);

        var bus = services.GetRequiredService<TriggerBus>();
        Assert.True(bus.Reader.TryRead(out var trigger));
        Assert.Equal((TriggerKind.LockOn, "startup", "lock-a"), (trigger!.Kind, trigger.Source, trigger.Input));
        var decision = services.GetRequiredService<ProcedureRegistry>().Get("conveyor-1").Procedure.Handle(trigger);
        Assert.Contains(decision.Findings, f => f.Code == FindingCodes.InputChangedWhileDown);
        Assert.False(bus.Reader.TryRead(out _));
        await inputs.StopAsync(default);
    }
}
