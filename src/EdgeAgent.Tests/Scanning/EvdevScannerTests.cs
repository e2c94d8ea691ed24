using System.Diagnostics;
using EdgeAgent.Scanning;

namespace EdgeAgent.Tests.Scanning;

/// <summary>The evdev reader on a FIFO carrying real <c>input_event</c> structs: the reader, service and router all run for real.</summary>
public sealed class EvdevScannerTests
{
    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static async Task WriteAsync(string fifo, byte[] bytes, Action? beforeClose = null)
    {
        // Opening a FIFO for writing blocks until the reader has it open (the reader is already open when this is called).
        await using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        await writer.WriteAsync(bytes);
        await writer.FlushAsync();
        beforeClose?.Invoke();
    }

    /// <summary>An evdev scanner on a FIFO at <paramref name="fifo"/>, started and holding the device open.</summary>
    private static async Task<ScannerHarness> OpenedScannerAsync(string fifo)
    {
        MakeFifo(fifo);
        var harness = new ScannerHarness(new ScannerOptions { Id = "hid-1", Point = "conveyor-1", Kind = "evdev", Path = fifo, ReconnectMs = 20 });
        try
        {
            await harness.StartAsync();
            await harness.WaitOpenedAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Scans_typed_with_shift_become_trigger_events_and_garbage_is_rejected()
    {
        using var dir = new TempDirectory();
        var fifo = dir.Combine("scanner-event-kbd");
        await using var harness = await OpenedScannerAsync(fifo);

        var garbage = new byte[EvdevDecoder.EventSize * 40];
        new Random(7).NextBytes(garbage);
        var stream = new EvdevEvents().Line("BADGE:Op-17").Type("X").Key(88).Enter().ToArray() // F12: no text
            .Concat(garbage).Concat(new EvdevEvents().Enter().Line("hello").Line("STEP:zero-energy-verified").ToArray()).ToArray();
        await WriteAsync(fifo, stream);

        var badge = await harness.NextTriggerAsync();
        Assert.Equal((TriggerKind.Scan, "scanner", "hid-1", "Op-17"), (badge.Kind, badge.Source, badge.Input, badge.Operator));
        Assert.Equal(ScanCategory.Badge, badge.Scan!.Category);
        var step = await harness.NextTriggerAsync();
        Assert.Equal("zero-energy-verified", step.StepId);
        Assert.Equal(ScanCategory.StepConfirmation, step.Scan!.Category);

        var recent = harness.Router.Recent;
        Assert.Contains(recent, r => r.Rejection == "key code 88 carries no text");
        Assert.Contains(recent, r => r.Result is { Category: ScanCategory.Unmatched, Text: "hello" }); // recorded, not acted on
        Assert.False(harness.Bus.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Reader_recovers_when_the_device_disappears_and_comes_back()
    {
        using var dir = new TempDirectory();
        var fifo = dir.Combine("scanner-event-kbd");
        await using var harness = await OpenedScannerAsync(fifo);
        // Unplugged: the node disappears, then the writer goes; the reader sees the hang-up and cannot reopen.
        await WriteAsync(fifo, new EvdevEvents().Line("LOCK-A1").ToArray(), beforeClose: () => File.Delete(fifo));
        Assert.Equal("A1", (await harness.NextTriggerAsync()).Scan!.Value);

        MakeFifo(fifo); // plugged back in
        await harness.WaitOpenedAsync();
        await WriteAsync(fifo, new EvdevEvents().Line("WO-77").ToArray());

        var again = await harness.NextTriggerAsync();
        Assert.Equal(ScanCategory.WorkOrder, again.Scan!.Category);
    }
}
