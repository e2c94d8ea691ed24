namespace EdgeAgent.Tests.Infrastructure;

/// <summary>One Ceph cluster with a RADOS Gateway for every test class in the "ceph" collection (start-up ~10 s, paid once); tests take a fresh bucket each.</summary>
public sealed class CephFixture : IAsyncLifetime
{
    private CephRgwProcess? server;

    public CephRgwProcess Server => server ?? throw new InvalidOperationException("Ceph did not start");

    public async Task InitializeAsync() => server = await CephRgwProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class CephCollection : ICollectionFixture<CephFixture>
{
    public const string Name = "ceph";
}
