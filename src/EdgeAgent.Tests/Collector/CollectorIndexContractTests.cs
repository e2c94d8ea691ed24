using EdgeAgent.Collector;
using EdgeAgent.Configuration;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Tests.Collector;

/// <summary>The index contract against the embedded SQLite index, the default.</summary>
public sealed class CollectorIndexContractTests : EvidenceIndexContract, IDisposable
{
    private readonly TempDirectory temp = new();

    protected override IEvidenceIndex Open(string storedBy = "collector-a") =>
        EvidenceIndexFactory.Open(new EvidenceIndexOptions(), temp.Path, storedBy);

    [Fact]
    public void Default_index_is_sqlite_in_the_store()
    {
        using var index = Open();
        Assert.IsType<CollectorIndex>(index);
        Assert.True(File.Exists(temp.Combine("index.db")));
    }

    [Fact]
    public void Unknown_provider_is_a_config_error_naming_the_key()
    {
        var error = Assert.Throws<ConfigException>(() => EvidenceIndexFactory.Open(new EvidenceIndexOptions { Provider = "mongodb" }, temp.Path, "c"));
        Assert.Contains("Index:Provider", Assert.Single(error.Errors), StringComparison.Ordinal);
        Assert.Contains("postgresql", error.Errors[0], StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
