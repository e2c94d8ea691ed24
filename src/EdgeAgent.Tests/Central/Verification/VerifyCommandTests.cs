namespace EdgeAgent.Tests.Central.Verification;

public sealed class VerifyCommandTests
{
    [Fact]
    public async Task Verify_exits_0_on_an_intact_store_with_enrolled_keys()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await EdgeAgentCli.InvokeAsync(["verify", store.Root, "--keys", store.KeysDirectory, "--procedures", SignedEvidenceStore.Procedures], output, error);

        Assert.Equal(0, code);
        Assert.Contains("JOB dev-1/WO-1 conveyor-lockout completed: 6/6 steps, 6 records, 0 findings", output.ToString());
        Assert.Contains("OK: 6 records verified", output.ToString());
    }

    [Fact]
    public async Task Verify_exits_1_and_names_the_first_broken_link()
    {
        using var store = await SignedEvidenceStore.CreateAsync();
        File.Delete(store.Record(2));
        var (output, error) = (new StringWriter(), new StringWriter());

        var code = await EdgeAgentCli.InvokeAsync(["verify", store.Root, "--keys", Path.Combine(store.KeysDirectory, "dev-1.pem")], output, error);

        Assert.Equal(1, code);
        Assert.Contains($"FIRST BROKEN LINK {store.Relative(3)} (device dev-1, sequence 3): sequence: sequence 3 follows 1: record 2 is missing", error.ToString());
        Assert.Contains("JOB dev-1/WO-1 conveyor-lockout completed: 5/6 steps, 5 records, 0 findings, INCOMPLETE", output.ToString());
        Assert.Contains("FAILED: ", output.ToString());
    }

    [Fact]
    public async Task Verify_refuses_a_missing_directory_and_unreadable_keys_with_usage_errors()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("dev-1.pem"), "garbage");
        var error = new StringWriter();

        Assert.Equal(ExitCodes.Usage, await EdgeAgentCli.InvokeAsync(["verify", dir.Combine("nope")], new StringWriter(), error));
        Assert.Equal(ExitCodes.Usage, await EdgeAgentCli.InvokeAsync(["verify", dir.Path, "--keys", dir.Path], new StringWriter(), error));
        Assert.Contains("not an ECDSA public key", error.ToString());
    }

    [Fact]
    public async Task An_empty_store_is_a_failure()
    {
        using var dir = new TempDirectory();

        Assert.Equal(ExitCodes.Failure, await EdgeAgentCli.InvokeAsync(["verify", dir.Path], new StringWriter(), new StringWriter()));
    }
}
