namespace EdgeAgent.Tests.Cli;

public sealed class ReportAndCollectCommandTests
{
    [Fact]
    public async Task Report_of_a_missing_directory_is_a_usage_error()
    {
        var console = new StringWriter();
        var exit = await EdgeAgentCli.InvokeAsync(["report", "/nonexistent/evidence"], console, console);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("is not a directory", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_of_an_empty_store_writes_an_index_that_says_so()
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();
        var exit = await EdgeAgentCli.InvokeAsync(["report", temp.Path], console, console);
        Assert.Equal(ExitCodes.Ok, exit);
        var index = File.ReadAllText(temp.Combine("reports", "index.html"));
        Assert.Contains("No records in this store yet.", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_output_inside_the_store_other_than_reports_is_refused()
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();
        var exit = await EdgeAgentCli.InvokeAsync(["report", temp.Path, "--output", temp.Combine("site-a")], console, console);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("inside the store", console.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("site-a")));
    }

    [Theory]
    [InlineData("mongodb", null, "Index:Provider")]
    [InlineData("postgresql", null, "Index:ConnectionString")]
    public async Task Collect_with_a_bad_index_exits_78_naming_the_key(string provider, string? connection, string key)
    {
        using var temp = new TempDirectory();
        var console = new StringWriter();
        string[] args = ["collect", "--broker", "mqtt://127.0.0.1:1", "--output", temp.Path, "--index", provider, .. connection is null ? Array.Empty<string>() : ["--index-connection", connection]];
        var exit = await EdgeAgentCli.InvokeAsync(args, console, console);
        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains(key, console.ToString(), StringComparison.Ordinal);
    }
}
