namespace EdgeAgent.Tests.Cli;

/// <summary>The object-store options of <c>collect</c> are checked before anything connects, and name the option at fault.</summary>
public sealed class CollectObjectStoreOptionsTests
{
    [Theory]
    [InlineData(new[] { "--object-lock-days", "7" }, "--object-lock-days")]
    [InlineData(new[] { "--store", "s3://evidence", "--object-lock-days", "0" }, "--object-lock-days")]
    [InlineData(new[] { "--store", "s3://Bad_Bucket" }, "is not a bucket name")]
    [InlineData(new[] { "--store", "s3://evidence", "--s3-credentials-file", "/nonexistent/s3.env" }, "--s3-credentials-file")]
    public async Task Collect_with_bad_object_store_options_exits_78_naming_the_option(string[] options, string named)
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["collect", "--broker", "mqtt://127.0.0.1:1", "--output", temp.Path, .. options], console, console);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains(named, console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_with_an_incomplete_s3_credentials_file_exits_78_naming_both_variables()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("s3.env"), "AWS_ACCESS_KEY_ID=collector-key\n");
        var console = new StringWriter();

        var exit = await EdgeAgentCli.InvokeAsync(["collect", "--broker", "mqtt://127.0.0.1:1", "--output", temp.Path, "--store", "s3://evidence", "--s3-credentials-file", temp.Combine("s3.env")], console, console);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("must set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", console.ToString(), StringComparison.Ordinal);
    }
}
