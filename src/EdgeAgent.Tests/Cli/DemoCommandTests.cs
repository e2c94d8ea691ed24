namespace EdgeAgent.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_plays_the_whole_lockout_job_and_leaves_six_verified_records()
    {
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["demo", "--output", temp.Path], output, error);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        var records = new EdgeAgent.Central.Collector.EvidenceStore(temp.Combine("collector")).Enumerate() // records only: not the collector's health file
            .Select(p => EvidenceRecord.FromJson(File.ReadAllBytes(p.JsonPath)))
            .OrderBy(r => r.Sequence)
            .ToList();
        // Every step in order; the lock step may add photos from the pre-trigger ring (the moments before the lock).
        Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared", "lock-removed", "restored"], records.Select(r => r.Step.Id).Distinct());
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.All(records.Where(r => r.Step.Id != "locked"), r => Assert.Equal(1, r.Step.Photo));
        Assert.Single(records.Select(r => r.WorkOrder.Id).Distinct());
        Assert.All(records, r => Assert.True(File.Exists(Directory.EnumerateFiles(temp.Combine("collector"), $"{r.Sequence:D8}-*.jpg", SearchOption.AllDirectories).Single())));
        Assert.Matches($"{records.Count} records, .*OK", output.ToString());

        Assert.Equal(0, await EdgeAgentCli.InvokeAsync(["verify", temp.Combine("collector")], output, error));
    }

    [Fact]
    public async Task Verify_fails_when_an_image_byte_changes()
    {
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await EdgeAgentCli.InvokeAsync(["demo", "--output", temp.Path], output, error));

        var image = Directory.EnumerateFiles(temp.Combine("collector"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = await File.ReadAllBytesAsync(image);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(image, bytes);

        Assert.NotEqual(0, await EdgeAgentCli.InvokeAsync(["verify", temp.Combine("collector")], output, error));
        Assert.Contains(Path.GetFileNameWithoutExtension(image), error.ToString(), StringComparison.Ordinal);
    }
}
