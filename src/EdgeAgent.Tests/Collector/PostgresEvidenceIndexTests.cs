using EdgeAgent.Collector;
using EdgeAgent.Tests.Infrastructure;

namespace EdgeAgent.Tests.Collector;

/// <summary>The same contract against a real PostgreSQL server that the fixture starts and stops.</summary>
public sealed class PostgresEvidenceIndexTests(PostgresFixture postgres) : EvidenceIndexContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await postgres.Server.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override Task<IEvidenceIndex> OpenAsync() =>
        EvidenceIndexFactory.OpenAsync(new EvidenceIndexOptions { Provider = EvidenceIndexOptions.PostgreSql, ConnectionString = connectionString }, "/nonexistent");

    [Fact]
    public async Task Collectors_starting_at_once_create_the_schema_once()
    {
        var opening = Enumerable.Range(0, 4).Select(_ => OpenAsync()).ToList();
        var indexes = await Task.WhenAll(opening);
        try
        {
            Assert.All(indexes, i => Assert.IsType<PostgresEvidenceIndex>(i));
            Assert.Equal(0, await indexes[0].CountAsync());
        }
        finally
        {
            foreach (var index in indexes)
            {
                await index.DisposeAsync();
            }
        }
    }
}
