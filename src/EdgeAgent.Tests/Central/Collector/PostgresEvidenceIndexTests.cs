using Npgsql;

namespace EdgeAgent.Tests.Central.Collector;

/// <summary>The same contract against a real PostgreSQL server that the fixture starts and stops.</summary>
public sealed class PostgresEvidenceIndexTests(PostgresFixture postgres) : EvidenceIndexContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await postgres.Server.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IEvidenceIndex Open(string storedBy = "collector-a") =>
        EvidenceIndexFactory.Open(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = connectionString }, "/nonexistent", storedBy);

    [Fact]
    public async Task Collectors_starting_at_once_create_the_schema_once()
    {
        var indexes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => Open($"collector-{i}"))));
        try
        {
            Assert.All(indexes, i => Assert.IsType<PostgresEvidenceIndex>(i));
            Assert.Empty(indexes[0].CountByDevice());
        }
        finally
        {
            foreach (var index in indexes)
            {
                index.Dispose();
            }
        }
    }

    [Fact]
    public void Each_row_says_which_collector_stored_it()
    {
        using var a = Open("collector-a");
        using var b = Open("collector-b");
        var first = Record("device-1", 1);
        var second = Record("device-1", 2);
        Assert.True(a.TryAdd(first, "p1.json", DateTimeOffset.UtcNow));
        Assert.True(b.TryAdd(second, "p2.json", DateTimeOffset.UtcNow));
        Assert.False(b.TryAdd(first, "p1.json", DateTimeOffset.UtcNow));

        Assert.Equal(["collector-a", "collector-b"], StoredBy(connectionString));
    }

    /// <summary>Who stored each row, in sequence order, read straight from the table.</summary>
    public static IReadOnlyList<string> StoredBy(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT stored_by FROM records ORDER BY device, sequence", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
