using EdgeAgent.Collector;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Tests.Collector;

public sealed class SqliteEvidenceIndexTests : EvidenceIndexContract, IDisposable
{
    private readonly TempDirectory temp = new();

    protected override Task<IEvidenceIndex> OpenAsync() =>
        EvidenceIndexFactory.OpenAsync(new EvidenceIndexOptions(), temp.Path);

    [Fact]
    public async Task Default_index_is_an_sqlite_file_in_the_store()
    {
        await using var index = await OpenAsync();
        Assert.IsType<SqliteEvidenceIndex>(index);
        Assert.True(File.Exists(temp.Combine(EvidenceIndexFactory.DefaultSqliteFile)));
    }

    [Fact]
    public async Task Unknown_provider_is_a_config_error_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<EdgeAgent.Configuration.ConfigException>(() =>
            EvidenceIndexFactory.OpenAsync(new EvidenceIndexOptions { Provider = "mongodb" }, temp.Path));
        Assert.Contains("Index:Provider", Assert.Single(error.Errors), StringComparison.Ordinal);
        Assert.Contains("postgresql", error.Errors[0], StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
