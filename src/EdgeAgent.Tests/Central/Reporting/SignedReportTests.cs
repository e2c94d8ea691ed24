using System.Text.Json.Nodes;
using EdgeAgent.Central.Reporting;
using EdgeAgent.Tests.Central.Verification;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>The report over a signed, chained store (real outbox chain, real device key), as verify sees it.</summary>
public sealed class SignedReportTests
{
    [Fact]
    public async Task With_enrolled_keys_every_record_shows_signature_checked_and_verified()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        using var output = new TempDirectory();
        var console = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["report", store.Root, "--output", output.Path, "--keys", store.KeysDirectory, "--procedures", SignedEvidenceStore.Procedures], console, console);

        Assert.True(exit == 0, console.ToString());
        using var keys = EnrolledKeys.Load(store.KeysDirectory);
        var job = Assert.Single(new ReportGenerator(TimeProvider.System).Generate(store.Root, output.Path, null, keys).Jobs);
        Assert.All(job.Entries, e => Assert.Equal(VerificationStatus.Verified, e.Check.Status));
        Assert.Contains("signature", job.Entries[0].Check.Checks);
    }

    [Fact]
    public async Task A_field_changed_after_signing_fails_that_record_and_the_job()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        using var output = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(store.Record(3)))!.AsObject();
        json["trigger"]!["operator"] = "someone-else";
        File.WriteAllText(store.Record(3), json.ToJsonString());

        using var keys = EnrolledKeys.Load(store.KeysDirectory);
        var job = Assert.Single(new ReportGenerator(TimeProvider.System).Generate(store.Root, output.Path, null, keys).Jobs);

        Assert.Equal(JobStatus.Failed, job.Status);
        var tampered = job.Entries.Single(e => e.Record.Sequence == 3);
        Assert.Equal(VerificationStatus.Failed, tampered.Check.Status);
        Assert.Contains(tampered.Check.Problems, p => p.StartsWith("signature", StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.Verified, job.Entries.Single(e => e.Record.Sequence == 1).Check.Status);
    }
}
