namespace EdgeAgent.Tests.Central.Collector;

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

    [Fact]
    public void Index_created_before_chain_columns_gains_them_and_keeps_its_rows()
    {
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={temp.Combine("index.db")};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE records(record_id TEXT PRIMARY KEY, device TEXT NOT NULL, site TEXT NOT NULL, sequence INTEGER NOT NULL,
                  work_order TEXT NOT NULL, step TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, created_at TEXT NOT NULL, stored_at TEXT NOT NULL);
                INSERT INTO records VALUES('3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'device-1', 'site-a', 1, 'WO-1', 'locked', 'p.json', 'aa', '2026-01-01', '2026-01-01');
                """;
            create.ExecuteNonQuery();
        }

        using var index = Open();
        var second = Record("device-1", 2);

        Assert.Null(Assert.Single(index.At("device-1", 1)).RecordHash);
        Assert.True(index.TryAdd(second, "p2.json", DateTimeOffset.UtcNow, new string('e', 64)));
        Assert.Equal(new string('e', 64), Assert.Single(index.At("device-1", 2)).RecordHash);
    }

    public void Dispose() => temp.Dispose();
}
