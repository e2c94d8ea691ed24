namespace EdgeAgent.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster per test class (tests take a fresh database each); stopped when the class is done.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresProcess? server;

    public PostgresProcess Server => server ?? throw new InvalidOperationException("PostgreSQL did not start");

    public async Task InitializeAsync() => server = await PostgresProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
