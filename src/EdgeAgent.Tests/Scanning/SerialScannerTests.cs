using System.Text;

namespace EdgeAgent.Tests.Scanning;

/// <summary>The serial reader (System.IO.Ports) on a real socat pty pair.</summary>
public sealed class SerialScannerTests
{
    private static ScannerOptions Serial(string path, string terminator = "cr") =>
        new() { Id = "rs232-1", Point = "conveyor-1", Kind = "serial", Path = path, BaudRate = 115200, Terminator = terminator, ReconnectMs = 20 };

    [Fact]
    public async Task Lines_with_the_configured_terminator_become_scans_and_garbage_is_rejected()
    {
        using var dir = new TempDirectory();
        using var pty = await SocatPtyPair.StartAsync(dir.Path);
        await using var harness = new ScannerHarness(Serial(pty.DevicePath, "crlf"));
        await harness.StartAsync();
        await harness.WaitOpenedAsync();

        await pty.SendAsync([
            .. "BADGE:77\r\n"u8,
            .. "AB\u001bC\r\n"u8,
            0xFF, 0xFE, (byte)'\r', (byte)'\n',
            .. Encoding.ASCII.GetBytes(new string('9', 300) + "\r\n"),
            .. "LOCK-"u8]);
        await pty.SendAsync([.. "B2\r\n"u8]);

        var badge = await harness.NextTriggerAsync();
        Assert.Equal(("rs232-1", "77"), (badge.Input, badge.Operator));
        var lockTag = await harness.NextTriggerAsync();
        Assert.Equal((ScanCategory.LockTag, "B2"), (lockTag.Scan!.Category, lockTag.Scan.Value));
        var rejections = harness.Router.Recent.Where(r => r.Rejection is not null).Select(r => r.Rejection).ToList();
        Assert.Equal(["control byte 0x1B at position 2", "invalid UTF-8 at byte 0", "line of 300 bytes is longer than the limit of 256 (Scanning:MaxLineLength)"], rejections);
    }

    [Fact]
    public async Task Reader_recovers_when_the_serial_device_is_unplugged_and_plugged_back()
    {
        using var dir = new TempDirectory();
        var first = await SocatPtyPair.StartAsync(dir.Path);
        await using var harness = new ScannerHarness(Serial(first.DevicePath));
        await harness.StartAsync();
        await harness.WaitOpenedAsync();
        await first.SendAsync([.. "WO-1\r"u8]);
        Assert.Equal("WO-1", (await harness.NextTriggerAsync()).Scan!.Value);

        first.Dispose(); // unplugged
        using var second = await SocatPtyPair.StartAsync(dir.Path);
        await harness.WaitOpenedAsync();
        await second.SendAsync([.. "WO-2\r"u8]);

        Assert.Equal("WO-2", (await harness.NextTriggerAsync()).Scan!.Value);
    }
}
